// The currency layout of VTEX's storePreferencesData for an order's currency and locale, derived from Intl.
import type { CurrencyFormatInfo } from './order.schemas.ts'

export interface CurrencyFormat {
  currencyFormatInfo: CurrencyFormatInfo
  currencySymbol: string
  /** Windows LCID of the locale, as VTEX's `currencyLocale` (1046 = pt-BR, 1033 = en-US). */
  currencyLocale: number
}

// Windows' invariant culture: the honest answer for a language Windows has no LCID for.
const INVARIANT_LCID = 127

// Values from Microsoft's [MS-LCID], in its hex notation so each line can be checked against it.
const LCID: Readonly<Record<string, number>> = {
  // Latin America and Spanish North America. es-419 has had its own LCID since Windows 8.1.
  'es-419': 0x580a,
  'es-AR': 0x2c0a,
  'es-BO': 0x400a,
  'es-CL': 0x340a,
  'es-CO': 0x240a,
  'es-CR': 0x140a,
  'es-CU': 0x5c0a,
  'es-DO': 0x1c0a,
  'es-EC': 0x300a,
  'es-GT': 0x100a,
  'es-HN': 0x480a,
  'es-MX': 0x080a,
  'es-NI': 0x4c0a,
  'es-PA': 0x180a,
  'es-PE': 0x280a,
  'es-PR': 0x500a,
  'es-PY': 0x3c0a,
  'es-SV': 0x440a,
  'es-US': 0x540a,
  'es-UY': 0x380a,
  'es-VE': 0x200a,
  'pt-BR': 0x0416,
  // Iberia. es-ES is the modern sort (3082); 0x040a is the traditional-sort variant .NET does not pick.
  'es-ES': 0x0c0a,
  'ca-ES': 0x0403,
  'eu-ES': 0x042d,
  'gl-ES': 0x0456,
  'pt-PT': 0x0816,
  // English and French North America, other English.
  'en-US': 0x0409,
  'en-CA': 0x1009,
  'fr-CA': 0x0c0c,
  'en-GB': 0x0809,
  'en-IE': 0x1809,
  'en-AU': 0x0c09,
  'en-NZ': 0x1409,
  'en-ZA': 0x1c09,
  'en-IN': 0x4009,
  'en-SG': 0x4809,
  'en-PH': 0x3409,
  // Europe.
  'fr-FR': 0x040c,
  'fr-BE': 0x080c,
  'fr-CH': 0x100c,
  'fr-LU': 0x140c,
  'de-DE': 0x0407,
  'de-AT': 0x0c07,
  'de-CH': 0x0807,
  'de-LU': 0x1007,
  'it-IT': 0x0410,
  'it-CH': 0x0810,
  'nl-NL': 0x0413,
  'nl-BE': 0x0813,
  'pl-PL': 0x0415,
  'ro-RO': 0x0418,
  'cs-CZ': 0x0405,
  'sk-SK': 0x041b,
  'hu-HU': 0x040e,
  'el-GR': 0x0408,
  'da-DK': 0x0406,
  'sv-SE': 0x041d,
  'nb-NO': 0x0414,
  'fi-FI': 0x040b,
  'ru-RU': 0x0419,
  'uk-UA': 0x0422,
  'tr-TR': 0x041f,
  // Middle East and Asia.
  'he-IL': 0x040d,
  'ar-SA': 0x0401,
  'ar-AE': 0x3801,
  'ja-JP': 0x0411,
  'zh-CN': 0x0804,
  'zh-TW': 0x0404,
  'zh-HK': 0x0c04,
  'zh-SG': 0x1004,
  'ko-KR': 0x0412,
  'hi-IN': 0x0439,
  'th-TH': 0x041e,
  'vi-VN': 0x042a,
  'id-ID': 0x0421,
  'ms-MY': 0x043e,
}

// Computed once: Intl's data cannot change while the process runs.
const KNOWN_CURRENCIES: ReadonlySet<string> = new Set(Intl.supportedValuesOf('currency'))

/** An ISO 4217 code Intl has data for, written as ISO writes it: three upper-case letters. */
export function isKnownCurrency(code: string): boolean {
  return /^[A-Z]{3}$/.test(code) && KNOWN_CURRENCIES.has(code)
}

/**
 * `derive` remembered per key: Intl's answers do not change while the process runs, and asking it again for
 * every document cost a tenth of a write. Bounded all the same, as keys come from requests.
 */
function remembered<T>(derive: (key: string) => T): (key: string) => T {
  const known = new Map<string, T>()
  return (key) => {
    if (known.has(key)) return known.get(key) as T
    const value = derive(key)
    if (known.size >= 1000) known.clear()
    known.set(key, value)
    return value
  }
}

/** A well-formed BCP 47 language tag (whether or not Intl has data for it). */
export const isValidLocale = remembered((tag: string): boolean => {
  try {
    return Intl.getCanonicalLocales(tag).length === 1
  } catch {
    return false
  }
})

/**
 * The LCID of a locale: its language and region, case and aliases canonicalised, script and
 * extensions ignored. Without a region, the language's likely region per CLDR (`pt` → pt-BR,
 * `es` → es-ES, `zh-Hant` → zh-TW). A region the table lacks falls back the same way to the
 * language's likely locale (`pt-AO` → pt-BR, `es-BZ` → es-ES): that country's own LCID is
 * unknown, and its language's main locale is the nearest layout. `es-419` needs no fallback,
 * Windows has an LCID for it. An unlisted language gives the invariant culture.
 * Throws a RangeError for a malformed tag.
 */
export function lcidOf(tag: string): number {
  const locale = new Intl.Locale(tag)
  // V8 reports the undetermined language `und` as no language at all, whatever the types say.
  if (!locale.language) return INVARIANT_LCID
  const likelyRegion = (language: string) => new Intl.Locale(language).maximize().region
  const region = locale.region ?? likelyRegion(locale.baseName)
  return (
    LCID[`${locale.language}-${region}`] ??
    LCID[`${locale.language}-${likelyRegion(locale.language)}`] ??
    INVARIANT_LCID
  )
}

// Clients compare separators with ' ', but ICU writes NO-BREAK SPACE and NARROW NO-BREAK SPACE (fr-FR).
const plainSpaces = (text: string) => text.replace(/[\u00a0\u202f]/g, ' ')

const layouts = remembered((key: string) => {
  const [currencyCode, locale] = JSON.parse(key) as [string, string]
  return deriveLayout(currencyCode, locale)
})

/**
 * The currency layout VTEX reports in storePreferencesData for an order in `currencyCode`
 * shown in `locale`. Throws a RangeError for an unknown currency or a malformed locale,
 * which Intl would otherwise accept or guess at.
 */
export const currencyFormat = (currencyCode: string, locale: string): CurrencyFormat =>
  layouts(JSON.stringify([currencyCode, locale]))

function deriveLayout(currencyCode: string, locale: string): CurrencyFormat {
  if (!isKnownCurrency(currencyCode)) throw new RangeError(`Unknown currency code: ${currencyCode}`)
  if (!isValidLocale(locale)) throw new RangeError(`Invalid locale: ${locale}`)
  // Without a last resort Intl falls back to the host's default locale (LANG), so output
  // would depend on the machine; en-US has the invariant culture's separators.
  const locales = [locale, 'en-US']
  const options = { style: 'currency', currency: currencyCode, currencyDisplay: 'symbol' } as const
  // Typed optional because significant-digit rounding omits it; currency rounding always sets it.
  const digits = new Intl.NumberFormat(locales, options).resolvedOptions().maximumFractionDigits ?? 2
  // Force a fraction digit so zero-digit currencies (JPY) still show the locale's decimal
  // separator. A currency formatter, not a plain number one: some locales write money
  // differently (de-AT groups with '.', fr-CH uses '.' as decimal separator).
  const parts = new Intl.NumberFormat(locales, { ...options, minimumFractionDigits: 1 }).formatToParts(
    1234567.5,
  )
  const part = (type: Intl.NumberFormatPartTypes) => parts.find((p) => p.type === type)?.value
  const integers = parts.filter((p) => p.type === 'integer')
  const group = part('group')
  const symbolAt = parts.findIndex((p) => p.type === 'currency')
  return {
    // Key order as VTEX serialises it, so the document reads the same.
    currencyFormatInfo: {
      CurrencyDecimalDigits: digits,
      CurrencyDecimalSeparator: plainSpaces(part('decimal') ?? '.'),
      CurrencyGroupSeparator: plainSpaces(group ?? ''),
      // The last group, not the first: Indian grouping is 12,34,567, and its currency group size is 3.
      CurrencyGroupSize: group === undefined ? 0 : (integers.at(-1)?.value.length ?? 0),
      StartsWithCurrencySymbol: symbolAt < parts.findIndex((p) => p.type === 'integer'),
    },
    currencyLocale: lcidOf(locale),
    currencySymbol: part('currency') ?? currencyCode,
  }
}
