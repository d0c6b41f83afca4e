/**
 * Replay nonces in SQLite.
 *
 * @remarks Concurrency contract: `consume` is one `INSERT … ON CONFLICT DO
 * NOTHING` on the nonce's primary key, so of any number of concurrent callers
 * with the same nonce, in any process, exactly one gets `true`.
 *
 * @module
 */
import { isoTime } from '../internal/iso-time.js'
import { badRequest } from '../internal/store-error.js'
import type { NonceStore } from '../store.js'
import type { SqliteConnection } from './sqlite-connection.js'

const CONSUME = 'INSERT INTO airlock_nonces (nonce, expires_at) VALUES (?, ?) ON CONFLICT DO NOTHING'
const PURGE = 'DELETE FROM airlock_nonces WHERE expires_at < ?'

/** The nonce store over a SQLite connection. */
export function sqliteNonces(c: SqliteConnection): NonceStore {
  return {
    async consume(nonce, expires_at) {
      if (typeof nonce !== 'string' || nonce === '') throw badRequest('nonce must be a non-empty string')
      const expires = isoTime(expires_at, 'expires_at')
      return c.read('nonces.consume', () => c.stmt(CONSUME).run(nonce, expires).changes === 1)
    },
    async purge(now) {
      const at = isoTime(now, 'now')
      return c.read('nonces.purge', () => c.stmt(PURGE).run(at).changes)
    },
  }
}
