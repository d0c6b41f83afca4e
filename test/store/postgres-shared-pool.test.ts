// needs-services: postgres
/**
 * A store opened on the caller's own pool leaves that pool as it found it
 * when closed: open, still usable, and with none of the store's listeners
 * left on it. An application that opens and closes stores on one pool (a
 * test suite, a multi-tenant host) must not accumulate listeners until Node
 * warns of a leak.
 */
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { afterAll, expect, it } from 'vitest'
import { postgresStore } from '../../src/store/postgres/index.js'

const url = process.env.AIRLOCK_TEST_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/test'
const schema = `airlock_shared_pool_${randomBytes(4).toString('hex')}`
const pool = new pg.Pool({ connectionString: url, max: 4 })

afterAll(async () => {
  await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
  await pool.end()
})

it('leaves no listener on a caller-owned pool once each store on it is closed', async () => {
  const before = pool.listenerCount('error')
  for (let i = 0; i < 12; i++) {
    const store = postgresStore({ pool, schema })
    await store.migrate()
    expect(pool.listenerCount('error')).toBe(before + 1)
    await store.close()
  }
  expect(pool.listenerCount('error')).toBe(before)
  // Closing the store did not end the pool it does not own.
  expect((await pool.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }])
})
