// Turns request body bytes into a JSON value, refusing what would be unsafe or unstorable further in.
import sjson from 'secure-json-parse'
import { AppError, validationFailed } from './errors.ts'

/** 415 OMS014: the body is declared as something else than JSON, or its content type is not one at all. */
export const notJson = () =>
  new AppError('UNSUPPORTED_MEDIA_TYPE', 'The request body must be JSON (Content-Type: application/json).')

/** Deeper than any real VTEX payload (an order document is about 6 levels) and far from any recursion limit. */
export const MAX_JSON_DEPTH = 64

export const nulRejected = () => validationFailed('The request must not contain the NUL character (U+0000).')

const utf8 = new TextDecoder('utf-8', { fatal: true })

/** JSON by its declared type; clients that send JSON declare nothing, so no type counts as JSON too. */
const JSON_TYPE = /^application\/(?:[\w.-]+\+)?json\s*(?:;|$)/i

/**
 * Parses a body that should be JSON. `undefined` for an empty body. A body declared as something else that
 * parses as JSON is accepted (clients mislabel JSON as text/plain); one that does not is refused as not JSON.
 */
export function parseJsonBody(bytes: Buffer, contentType: string | undefined): unknown {
  let text: string
  try {
    // Strips a leading byte-order mark, which some Windows clients send.
    text = utf8.decode(bytes)
  } catch {
    throw validationFailed('The request body is not valid UTF-8.')
  }
  if (text.trim() === '') return undefined
  let value: unknown
  try {
    value = sjson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' })
  } catch (error) {
    if (/forbidden (prototype|constructor) property/.test((error as Error).message)) {
      throw validationFailed('The request body must not set __proto__ or constructor.prototype.')
    }
    if (contentType === undefined || JSON_TYPE.test(contentType)) {
      throw validationFailed('The request body is not valid JSON.')
    }
    throw notJson()
  }
  checkJsonText(text)
  return value
}

/**
 * One pass over text already known to be valid JSON, without recursion: its nesting depth (so nothing that
 * recurses later, JSON.stringify included, can overflow the stack), NUL characters in its strings and keys
 * (PostgreSQL cannot store them in text), and numbers that JSON.parse turned into Infinity (stored as null).
 */
function checkJsonText(text: string): void {
  let depth = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 0x5c /* \ */) {
        if (text.startsWith('u0000', i + 1)) throw nulRejected()
        i++
      } else if (c === 0x22 /* " */) inString = false
    } else if (c === 0x22) inString = true
    else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      if (++depth > MAX_JSON_DEPTH) {
        throw validationFailed(`The request body is nested deeper than ${MAX_JSON_DEPTH} levels.`)
      }
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) depth--
    else if (c === 0x2d /* - */ || (c >= 0x30 && c <= 0x39)) {
      const start = i
      while (i + 1 < text.length && isNumberChar(text.charCodeAt(i + 1))) i++
      if (!Number.isFinite(Number(text.slice(start, i + 1)))) {
        throw validationFailed(
          `The request body contains the number ${abbreviate(text.slice(start, i + 1))}, which is out of range.`,
        )
      }
    }
  }
}

/** Digits, `.`, `e`, `E`, `+` and `-`: what a JSON number is made of. */
const isNumberChar = (c: number) =>
  (c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x65 || c === 0x45 || c === 0x2b || c === 0x2d

const abbreviate = (token: string) => (token.length > 30 ? `${token.slice(0, 27)}...` : token)
