// needs-services: postgres
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { linkHash } from '../../src/audit/hash-chain.js'
import { verifyStore } from '../../src/audit/verify-chain.js'
import { postgresStore } from '../../src/store/postgres/index.js'
import { POSTGRES_MIGRATIONS } from '../../src/store/postgres/migrations.js'
import { describeBatchConformance } from './batch-conformance.js'
import { describeStoreConformance, sampleEvent } from './conformance.js'

// No skip when PostgreSQL is down: the suite must fail loudly so a missing
// backend is never mistaken for a passing one.
const url = process.env.AIRLOCK_TEST_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/test'
const prefix = `airlock_t_${randomBytes(4).toString('hex')}`
const pool = new pg.Pool({ connectionString: url, max: 20 })
let schemas = 0

beforeAll(async () => {
  await pool.query('SELECT 1')
})

afterAll(async () => {
  const { rows } = await pool.query<{ nspname: string }>(
    'SELECT nspname FROM pg_namespace WHERE nspname LIKE $1',
    [`${prefix}%`],
  )
  for (const { nspname } of rows) await pool.query(`DROP SCHEMA "${nspname}" CASCADE`)
  await pool.end()
})

const nextSchema = () => `${prefix}_${schemas++}`

describeStoreConformance('postgres', async () => postgresStore({ pool, schema: nextSchema() }))
describeBatchConformance('postgres', async () => postgresStore({ pool, schema: nextSchema() }))

describe('postgres store', () => {
  it('migrates one schema from many connections at once', async () => {
    const schema = nextSchema()
    const stores = Array.from({ length: 6 }, () => postgresStore({ pool, schema }))
    await Promise.all(stores.map((s) => s.migrate()))
    const { rows } = await pool.query(`SELECT version FROM "${schema}".airlock_migrations`)
    const versions = rows.map((r: { version: number }) => r.version).sort((a, b) => a - b)
    expect(versions).toEqual(POSTGRES_MIGRATIONS.map((m) => m.version))
  })

  it('opens and ends its own pool from a connection string', async () => {
    const store = postgresStore({ connectionString: url, schema: nextSchema() })
    await store.migrate()
    await store.ping()
    await store.close()
    await expect(store.ping()).rejects.toMatchObject({ code: 'STORE_ERROR' })
  })

  it('lets verify find an event edited or deleted in the database', async () => {
    const schema = nextSchema()
    const store = postgresStore({ pool, schema })
    await store.migrate()
    await store.audit.append([
      sampleEvent(),
      sampleEvent({ reason: 'original' }),
      sampleEvent(),
      sampleEvent(),
    ])
    await pool.query(
      `UPDATE "${schema}".airlock_audit_events SET body = replace(body, 'original', 'forged') WHERE seq = 2`,
    )
    expect(await verifyStore(store)).toMatchObject({
      valid: false,
      seq: 2,
      reason: expect.stringMatching(/modified/),
    })
    await pool.query(`UPDATE "${schema}".airlock_audit_events SET body = replace(body, 'forged', 'original')`)
    await pool.query(`DELETE FROM "${schema}".airlock_audit_events WHERE seq = 3`)
    expect(await verifyStore(store)).toMatchObject({
      valid: false,
      seq: 4,
      reason: expect.stringMatching(/missing/),
    })
    await pool.query(`DELETE FROM "${schema}".airlock_audit_events WHERE seq = 4`)
    expect(await verifyStore(store)).toMatchObject({
      valid: false,
      reason: expect.stringMatching(/deleted from the end/),
    })
  })

  it('lets verify name a forged indexed column, and accept a body spelt otherwise with the same values', async () => {
    const schema = nextSchema()
    const store = postgresStore({ pool, schema })
    await store.migrate()
    await store.audit.append([sampleEvent({ actor: 'alice' }), sampleEvent({ actor: 'zoë' }), sampleEvent()])
    const table = `"${schema}".airlock_audit_events`
    const rehash = async (seq: number, body: string) => {
      // A forger with write access: the body changed, and every hash from it on recomputed, the head's too.
      const { rows } = await pool.query(
        `SELECT seq, prev_hash, body FROM ${table} WHERE seq >= $1 ORDER BY seq`,
        [seq],
      )
      let prev = rows[0].prev_hash as string
      for (const row of rows) {
        const text = row.seq === String(seq) ? body : (row.body as string)
        const hash = linkHash(prev, text)
        await pool.query(`UPDATE ${table} SET body = $2, prev_hash = $3, hash = $4 WHERE seq = $1`, [
          row.seq,
          text,
          prev,
          hash,
        ])
        prev = hash
      }
      await pool.query(`UPDATE "${schema}".airlock_audit_head SET hash = $1 WHERE id = 1`, [prev])
    }
    const bodyOf = async (seq: number) =>
      (await pool.query(`SELECT body FROM ${table} WHERE seq = $1`, [seq])).rows[0].body as string
    expect(await verifyStore(store)).toEqual({ valid: true, count: 3 })
    const original = await bodyOf(1)
    // The same actor written with an escape: another text, the same value.
    await rehash(1, original.replace('"actor":"alice"', '"actor":"\\u0061lice"'))
    expect(await verifyStore(store)).toEqual({ valid: true, count: 3 })
    for (const [column, value, seq] of [
      ['actor', "'mallory'", 2],
      ['status', "'denied'", 2],
      ['decision', 'NULL', 3],
      ['actor', "'alice'", 1],
    ] as const) {
      await pool.query(`UPDATE ${table} SET ${column} = ${value} WHERE seq = ${seq}`)
      if (column === 'actor' && seq === 1)
        await rehash(1, original.replace('"actor":"alice"', '"actor":"bob"'))
      expect(await verifyStore(store), `${column} ${value}`).toMatchObject({
        valid: false,
        seq,
        reason: `the stored ${column} column differs from the hashed event: the event was modified`,
      })
      await pool.query(`UPDATE ${table} SET ${column} = $1 WHERE seq = ${seq}`, [
        (await pool.query(`SELECT (body::jsonb) ->> '${column}' AS v FROM ${table} WHERE seq = ${seq}`))
          .rows[0].v,
      ])
    }
    await rehash(1, '{"actor":"alice","inputs":{"a":[1,}}')
    expect(await verifyStore(store)).toMatchObject({
      valid: false,
      seq: 1,
      reason: expect.stringMatching(/not a JSON object/),
    })
  })

  it('purges expired keys around one a writer holds, without waiting for it', async () => {
    const schema = nextSchema()
    const store = postgresStore({ pool, schema })
    await store.migrate()
    const scope = { tenant_id: 'acme', action: 'deploy' }
    for (const key of ['held', 'free-1', 'free-2']) {
      const request = {
        ...scope,
        key,
        fingerprint: 'fp',
        owner: 'o',
        lease_until: '2030-01-01T00:01:00.000Z',
      }
      await store.idempotency.claim({ ...request, now: '2030-01-01T00:00:00.000Z' })
      await store.idempotency.complete(
        { ...scope, key },
        'o',
        '{}',
        '2030-01-01T00:00:01.000Z',
        '2030-01-01T00:00:00.000Z',
      )
    }
    // As a batch re-claiming the expired key does, until it commits.
    const writer = await pool.connect()
    await writer.query('BEGIN')
    await writer.query(`SELECT 1 FROM "${schema}".airlock_idempotency WHERE idem_key = 'held' FOR UPDATE`)
    const purged = await Promise.race([
      store.idempotency.purge('2030-01-02T00:00:00.000Z'),
      new Promise((resolve) => setTimeout(() => resolve('still waiting for the held row'), 5_000)),
    ])
    await writer.query('COMMIT')
    writer.release()
    expect(purged).toBe(2)
    expect(await store.idempotency.get({ ...scope, key: 'held' })).toMatchObject({ state: 'completed' })
    expect(await store.idempotency.purge('2030-01-02T00:00:00.000Z')).toBe(1)
    await store.close()
  })

  it('refuses a pool of its own too small for the connection that listens for announcements', () => {
    expect(() => postgresStore({ connectionString: url, max: 1 })).toThrow(
      /max must be an integer of at least 2/,
    )
  })

  it('rejects a schema name that is not a plain identifier', () => {
    expect(() => postgresStore({ pool, schema: 'x"; DROP TABLE y; --' })).toThrow(/plain identifier/)
  })
})

describe('openStore with a PostgreSQL URL', () => {
  it('opens the schema named in the URL, with the pool size it names', async () => {
    const { openStore } = await import('../../src/store/open-store.js')
    const schema = nextSchema()
    const store = await openStore(`${url}?schema=${schema}&pool=2`)
    expect(store.kind).toBe('postgres')
    await store.migrate()
    await store.audit.append([sampleEvent()])
    await store.close()
    const { rows } = await pool.query(`SELECT count(*)::int AS n FROM "${schema}".airlock_audit_events`)
    expect(rows).toEqual([{ n: 1 }])
  })

  it('opens 8 connections by default, as the deployment guide recommends', async () => {
    const { openStore } = await import('../../src/store/open-store.js')
    const store = await openStore(`${url}?schema=${nextSchema()}`)
    await store.migrate()
    const exclusive = store.exclusive
    if (exclusive === undefined) throw new Error('a PostgreSQL store runs exclusive sections')
    // Each exclusive section holds one pooled connection until released.
    let release: () => void = () => {}
    const held = new Promise<void>((r) => (release = r))
    let entered = 0
    const sections = Array.from({ length: 8 }, (_, i) =>
      exclusive(`pool-${i}`, async () => {
        entered++
        await held
      }),
    )
    while (entered < 8) await new Promise((r) => setTimeout(r, 20))
    // A ninth finds no free connection and fails after the pool's wait instead of queueing forever.
    await expect(exclusive('pool-9', async () => undefined)).rejects.toMatchObject({
      code: 'STORE_UNAVAILABLE',
    })
    release()
    await Promise.all(sections)
    await store.close()
  })
})
