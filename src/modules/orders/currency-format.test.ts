// Unit tests of the VTEX currency layout: per currency and locale, LCID fallbacks, and the input validators.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  currencyFormat,
  isKnownCurrency,
  isValidLocale,
  lcidOf,
  type CurrencyFormat,
} from './currency-format.ts'

/** storePreferencesData of a real VTEX pt-BR order, verbatim. */
const VTEX_BRL = JSON.parse(
  '{"countryCode":"BRA","currencyCode":"BRL","currencyFormatInfo":{"CurrencyDecimalDigits":2,"CurrencyDecimalSeparator":",","CurrencyGroupSeparator":".","CurrencyGroupSize":3,"StartsWithCurrencySymbol":true},"currencyLocale":1046,"currencySymbol":"R$","timeZone":"E. South America Standard Time"}',
) as Record<string, unknown>

const layout = (
  [digits, decimal, group, size, startsWith]: [number, string, string, number, boolean],
  currencySymbol: string,
  currencyLocale: number,
): CurrencyFormat => ({
  currencyFormatInfo: {
    CurrencyDecimalDigits: digits,
    CurrencyDecimalSeparator: decimal,
    CurrencyGroupSeparator: group,
    CurrencyGroupSize: size,
    StartsWithCurrencySymbol: startsWith,
  },
  currencyLocale,
  currencySymbol,
})

const CASES: ReadonlyArray<readonly [currency: string, locale: string, expected: CurrencyFormat]> = [
  ['USD', 'en-US', layout([2, '.', ',', 3, true], '$', 1033)],
  ['EUR', 'de-DE', layout([2, ',', '.', 3, false], '€', 1031)],
  // ICU's group separator here is U+202F and its symbol spacing U+00A0; both must come out as plain spaces.
  ['EUR', 'fr-FR', layout([2, ',', ' ', 3, false], '€', 1036)],
  // ja-JP writes the full-width yen sign U+FFE5, not U+00A5; the decimal separator is still reported.
  ['JPY', 'ja-JP', layout([0, '.', ',', 3, true], '￥', 1041)],
  // A foreign currency keeps the locale's layout, with the locale's name for the currency.
  ['USD', 'pt-BR', layout([2, ',', '.', 3, true], 'US$', 1046)],
  ['MXN', 'es-MX', layout([2, '.', ',', 3, true], '$', 2058)],
  ['ARS', 'es-AR', layout([2, ',', '.', 3, true], '$', 11274)],
  ['CLP', 'es-CL', layout([0, ',', '.', 3, true], '$', 13322)],
  ['CAD', 'fr-CA', layout([2, ',', ' ', 3, false], '$', 3084)],
  // Swiss money: apostrophe groups and the symbol first, unlike Swiss numbers in general.
  ['CHF', 'de-CH', layout([2, '.', "'", 3, true], 'CHF', 2055)],
  // Indian grouping (12,34,567): the size reported is the last group's.
  ['INR', 'en-IN', layout([2, '.', ',', 3, true], '₹', 16393)],
  ['KWD', 'en-US', layout([3, '.', ',', 3, true], 'KWD', 1033)],
]

describe('currencyFormat', () => {
  it('gives exactly the storePreferencesData of a VTEX BRL/pt-BR order', () => {
    const { currencyFormatInfo, currencyLocale, currencySymbol } = VTEX_BRL
    const actual = currencyFormat('BRL', 'pt-BR')
    assert.deepEqual(actual, { currencyFormatInfo, currencyLocale, currencySymbol })
    // Same bytes once spread into the document, key order included.
    assert.equal(JSON.stringify({ ...VTEX_BRL, ...actual }), JSON.stringify(VTEX_BRL))
  })

  for (const [currency, locale, expected] of CASES) {
    it(`${currency} in ${locale}`, () => assert.deepEqual(currencyFormat(currency, locale), expected))
  }

  it('accepts any letter case in the locale', () => {
    assert.deepEqual(currencyFormat('BRL', 'PT-br'), currencyFormat('BRL', 'pt-BR'))
  })

  it('never leaves a no-break space in a separator', () => {
    for (const locale of ['fr-FR', 'fr-CA', 'pl-PL', 'pt-PT', 'sv-SE', 'ru-RU', 'cs-CZ', 'fr-CH']) {
      const { CurrencyDecimalSeparator, CurrencyGroupSeparator } = currencyFormat(
        'EUR',
        locale,
      ).currencyFormatInfo
      assert.doesNotMatch(CurrencyDecimalSeparator + CurrencyGroupSeparator, /[\u00a0\u202f]/, locale)
    }
  })

  it("does not depend on the host's default locale for a language Intl lacks", () => {
    assert.deepEqual(currencyFormat('USD', 'tlh'), { ...currencyFormat('USD', 'en-US'), currencyLocale: 127 })
  })

  it('rejects an unknown currency and a malformed locale', () => {
    assert.throws(() => currencyFormat('XYZ', 'pt-BR'), RangeError)
    assert.throws(() => currencyFormat('brl', 'pt-BR'), RangeError)
    assert.throws(() => currencyFormat('BRL', 'not a locale!'), RangeError)
  })
})

describe('lcidOf', () => {
  const LCIDS: ReadonlyArray<readonly [tag: string, lcid: number, why: string]> = [
    ['pt-BR', 1046, 'listed'],
    ['es-419', 22538, 'listed: Windows has a Latin American Spanish'],
    ['es-ES', 3082, 'listed, modern sort'],
    ['zh-Hans-CN', 2052, 'script ignored'],
    ['pt-BR-u-nu-latn', 1046, 'extensions ignored'],
    ['iw-IL', 1037, 'deprecated alias canonicalised to he-IL'],
    ['pt', 1046, 'no region: likely region BR'],
    ['zh-Hant', 1028, 'no region: likely region TW'],
    ['pt-AO', 1046, 'unlisted region: the language’s likely locale pt-BR'],
    ['es-BZ', 3082, 'unlisted region: the language’s likely locale es-ES'],
    ['en-NG', 1033, 'unlisted region: the language’s likely locale en-US'],
    ['tlh', 127, 'unlisted language: invariant culture'],
    ['und', 127, 'undetermined language: invariant culture'],
  ]
  for (const [tag, lcid, why] of LCIDS) {
    it(`${tag} → ${lcid} (${why})`, () => assert.equal(lcidOf(tag), lcid))
  }
})

describe('isKnownCurrency', () => {
  for (const code of ['BRL', 'USD', 'EUR', 'JPY', 'CLP', 'VES']) {
    it(`accepts ${code}`, () => assert.equal(isKnownCurrency(code), true))
  }
  // Lower case is rejected although Intl would accept it: ISO 4217 codes are upper case, as VTEX sends them.
  for (const code of ['usd', 'Brl', 'XYZ', 'XYZ1', 'US', '', ' USD', 'VEF']) {
    it(`rejects ${JSON.stringify(code)}`, () => assert.equal(isKnownCurrency(code), false))
  }
})

describe('isValidLocale', () => {
  for (const tag of ['pt-BR', 'en', 'es-419', 'zh-Hant-TW', 'de-DE-u-co-phonebk', 'pt-br', 'tlh']) {
    it(`accepts ${tag}`, () => assert.equal(isValidLocale(tag), true))
  }
  for (const tag of ['', 'not a locale!', 'pt_BR', 'en-', 'x-private', 'en-US,fr-FR']) {
    it(`rejects ${JSON.stringify(tag)}`, () => assert.equal(isValidLocale(tag), false))
  }
})
