// Identifier and secret generation. Every id is made here, in the application, so both databases agree.
import { hash, randomBytes, randomFillSync, randomInt } from 'node:crypto'

/**
 * Bytes for ids, drawn from the CSPRNG a pool at a time: a call per id cost more than the rest of making an
 * order's ids. Secrets (randomToken) draw their own.
 */
const pool = Buffer.alloc(4096)
let used = pool.length

function idBytes(bytes: number): Buffer {
  if (used + bytes > pool.length) {
    randomFillSync(pool)
    used = 0
  }
  return pool.subarray(used, (used += bytes))
}

/** Upper-case hex, as VTEX writes payment, transaction and event ids. */
export const hexId = (bytes = 16): string => idBytes(bytes).toString('hex').toUpperCase()

/** Lower-case hex for ids Ordo owns (receipts, interactions). */
export const lowerHexId = (bytes = 16): string => idBytes(bytes).toString('hex')

const TOKEN_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'

/** A uniformly random string over [A-Z0-9]; 64 characters carry about 330 bits. */
export function randomToken(length = 64): string {
  // Bytes of 252 and above are dropped so that every character is equally likely (252 = 7 × 36).
  const limit = 256 - (256 % TOKEN_ALPHABET.length)
  let out = ''
  while (out.length < length) {
    for (const byte of randomBytes(length)) {
      if (byte < limit && out.length < length) out += TOKEN_ALPHABET[byte % TOKEN_ALPHABET.length]
    }
  }
  return out
}

export const randomDigits = (count: number): string => {
  let out = String(randomInt(1, 10))
  while (out.length < count) out += String(randomInt(0, 10))
  return out
}

export const randomIntBetween = (min: number, maxInclusive: number): number =>
  randomInt(min, maxInclusive + 1)

/** Secrets are stored only as this digest. They are random and long, so a fast hash is enough. */
export const sha256 = (value: string): string => hash('sha256', value, 'hex')
