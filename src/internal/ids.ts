import { randomBytes } from 'node:crypto'

/** A random, unguessable id such as `evt-3f1c...` (96 bits). */
export function newId(prefix: 'evt' | 'apr' | 'req'): string {
  return `${prefix}-${randomBytes(12).toString('hex')}`
}
