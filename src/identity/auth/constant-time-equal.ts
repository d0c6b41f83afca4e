import { createHash, timingSafeEqual } from 'node:crypto'

/**
 * Compares two secrets without leaking, through timing, where they differ or
 * how long the expected one is.
 *
 * @remarks `timingSafeEqual` needs equal lengths and returns early on a length
 * mismatch, so both sides are compared as SHA-256 digests.
 */
export function constantTimeEqual(presented: string, expected: string): boolean {
  const a = createHash('sha256').update(presented, 'utf8').digest()
  const b = createHash('sha256').update(expected, 'utf8').digest()
  return timingSafeEqual(a, b)
}
