import { randomUUID } from 'node:crypto'

/**
 * A random, unguessable id such as `evt-3f1c…` (24 hex characters,
 * 90 random bits: a version-4 UUID without its dashes, cut short).
 *
 * @remarks `randomUUID` draws from a cached entropy pool, which matters here:
 * every request makes several ids, and `randomBytes` per id cost more than
 * the rest of an id's handling together.
 */
export function newId(prefix: 'evt' | 'apr' | 'req' | 'frz'): string {
  return `${prefix}-${randomUUID().replaceAll('-', '').slice(0, 24)}`
}
