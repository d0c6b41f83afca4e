/**
 * The one comparison for secrets: API keys, proxy secrets, signatures and
 * MACs, session and CSRF tokens. Nothing else in the source compares such
 * values (`test/security/secret-comparisons.test.ts` checks).
 *
 * @module
 */
import { createHash, timingSafeEqual } from 'node:crypto'

function digest(value: string | Uint8Array): Buffer {
  return createHash('sha256').update(value).digest()
}

/**
 * Whether `presented` equals `expected`, in time that depends neither on
 * where they differ nor on their lengths.
 *
 * @remarks `timingSafeEqual` needs inputs of equal length and a length check
 * before it would return early, so both sides are compared as SHA-256
 * digests. Strings are compared as their UTF-8 bytes. Two byte arrays of the
 * same length (digests, such as a presented API key's hash against each
 * configured one) are compared as they are: there is no length to hide, and
 * hashing both again on every request cost more than the rest of
 * authentication together.
 */
export function secretEqual(presented: string | Uint8Array, expected: string | Uint8Array): boolean {
  if (typeof presented !== 'string' && typeof expected !== 'string' && presented.length === expected.length) {
    return timingSafeEqual(presented, expected)
  }
  return timingSafeEqual(digest(presented), digest(expected))
}
