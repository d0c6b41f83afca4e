/**
 * Work that one replica at a time should do (housekeeping sweeps), guarded
 * by a PostgreSQL advisory lock.
 *
 * @module
 */
import type { PostgresConnection } from './postgres-connection.js'

/**
 * Runs `fn` if no other process holds the lock named `name` in this schema,
 * and resolves with its result; resolves `undefined` without running it when
 * another replica holds the lock.
 *
 * @remarks A session lock on one pooled connection, held while `fn` runs
 * (`fn` uses other connections). If this process dies, PostgreSQL releases
 * the lock with its connection, so housekeeping never stalls on a dead
 * replica.
 */
export async function runExclusive<T>(
  c: PostgresConnection,
  name: string,
  fn: () => Promise<T>,
): Promise<T | undefined> {
  const key = `${c.schemaName}:${name}`
  return c.session(`exclusive ${name}`, async (client) => {
    const { rows } = await client.query<{ locked: boolean }>(
      'SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked',
      [key],
    )
    if (rows[0]?.locked !== true) return undefined
    try {
      return await fn()
    } finally {
      await client.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [key])
    }
  })
}
