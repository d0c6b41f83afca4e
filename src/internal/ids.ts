import { randomHex } from './random-pool.js'

const ID_BYTES = 12

/**
 * A random, unguessable id such as `evt-3f1c…` (24 hex characters, 96
 * random bits).
 *
 * @remarks Every request makes several ids, so the bytes come from the
 * pooled CSPRNG draw and are hex-encoded natively: a `randomUUID` per id,
 * with its dashes removed, cost five times as much.
 */
export function newId(prefix: 'evt' | 'apr' | 'req' | 'frz'): string {
  return `${prefix}-${randomHex(ID_BYTES)}`
}
