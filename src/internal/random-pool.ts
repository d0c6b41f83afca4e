/**
 * Random bytes for values made on every request (ids, nonces, IVs), drawn
 * from the CSPRNG 6 KiB at a time.
 *
 * @remarks One `randomBytes` call per value costs a call into OpenSSL and a
 * fresh allocation each time; on the request path that showed as about 2% of
 * the gateway's CPU for one 12-byte IV. Every draw takes bytes no other draw
 * took, so the values are as unpredictable and as unique as direct draws.
 *
 * @module
 */
import { randomFillSync } from 'node:crypto'

const pool = Buffer.allocUnsafe(6144)
let next = pool.length

/** The offset of `bytes` fresh bytes in the pool (refilled when it runs short). */
function take(bytes: number): number {
  if (!Number.isInteger(bytes) || bytes < 1 || bytes > 256) {
    throw new RangeError(`random-pool: draw 1 to 256 bytes at a time, not ${bytes}`)
  }
  if (next + bytes > pool.length) {
    randomFillSync(pool)
    next = 0
  }
  const at = next
  next += bytes
  return at
}

/** `bytes` random bytes as lower-case hex. */
export function randomHex(bytes: number): string {
  const at = take(bytes)
  return pool.toString('hex', at, at + bytes)
}

/** `bytes` random bytes as unpadded base64url. */
export function randomBase64url(bytes: number): string {
  const at = take(bytes)
  return pool.toString('base64url', at, at + bytes)
}

/** `bytes` random bytes in a buffer of their own. */
export function randomBuffer(bytes: number): Buffer {
  const at = take(bytes)
  return Buffer.from(pool.subarray(at, at + bytes))
}
