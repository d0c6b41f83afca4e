/**
 * Replay nonces in PostgreSQL.
 *
 * @remarks Concurrency contract: `consume` is one `INSERT … ON CONFLICT DO
 * NOTHING` on the nonce's primary key, so of any number of concurrent callers
 * with the same nonce, on any replica, exactly one gets `true`.
 *
 * @module
 */
import { isoTime } from '../internal/iso-time.js'
import { badRequest } from '../internal/store-error.js'
import type { NonceStore } from '../store.js'
import type { PostgresConnection } from './postgres-connection.js'

/** The nonce store over a PostgreSQL connection. */
export function postgresNonces(c: PostgresConnection): NonceStore {
  const consume = `INSERT INTO ${c.s}.airlock_nonces (nonce, expires_at) VALUES ($1, $2) ON CONFLICT DO NOTHING`
  const purge = `DELETE FROM ${c.s}.airlock_nonces WHERE expires_at < $1`
  return {
    async consume(nonce, expires_at) {
      if (typeof nonce !== 'string' || nonce === '') throw badRequest('nonce must be a non-empty string')
      const expires = isoTime(expires_at, 'expires_at')
      return (await c.count('nonces.consume', consume, [nonce, expires])) === 1
    },
    async purge(now) {
      return c.count('nonces.purge', purge, [isoTime(now, 'now')])
    },
  }
}
