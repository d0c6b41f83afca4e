/**
 * The Redis server the tests use: `AIRLOCK_TEST_REDIS` (`redis://host:port/db`),
 * by default `redis://127.0.0.1:6379/0`, as `AIRLOCK_TEST_POSTGRES` names the
 * PostgreSQL server.
 *
 * @module
 */

/** The URL, as configuration files take it. */
export const TEST_REDIS_URL = process.env.AIRLOCK_TEST_REDIS ?? 'redis://127.0.0.1:6379/0'

/** Host, port and database of {@link TEST_REDIS_URL}, as ioredis options. */
export function testRedisOptions(): { host: string; port: number; db: number } {
  const url = new URL(TEST_REDIS_URL)
  const db = Number(url.pathname.replace(/^\//, '') || '0')
  return { host: url.hostname, port: Number(url.port || 6379), db }
}
