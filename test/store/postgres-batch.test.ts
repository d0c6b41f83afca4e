// needs-services: postgres
/**
 * PostgreSQL batches through `airlock_write_batch_linked`: one round trip
 * per batch, one linear chain when several stores (replicas) write the same
 * schema without any retry, and no retry of a batch whose outcome is unknown.
 */
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { verifyStore } from '../../src/audit/verify-chain.js'
import { GroupCommit } from '../../src/store/group-commit.js'
import { postgresStore } from '../../src/store/postgres/index.js'
import type { PostgresPool } from '../../src/store/postgres/postgres-store-config.js'
import type { WriteOp } from '../../src/store/store.js'
import { describeBatchConformance } from './batch-conformance.js'
import { at, sampleEvent } from './conformance.js'

const url = process.env.AIRLOCK_TEST_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/test'
const prefix = `airlock_b_${randomBytes(4).toString('hex')}`
const pools: pg.Pool[] = []
let schemas = 0

function newPool(): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max: 4 })
  pools.push(pool)
  return pool
}

const nextSchema = () => `${prefix}_${schemas++}`

afterAll(async () => {
  const pool = pools[0] ?? newPool()
  const { rows } = await pool.query<{ nspname: string }>(
    'SELECT nspname FROM pg_namespace WHERE nspname LIKE $1',
    [`${prefix}%`],
  )
  for (const { nspname } of rows) await pool.query(`DROP SCHEMA "${nspname}" CASCADE`)
  await Promise.all(pools.map((p) => p.end()))
})

/** The pool as the store sees it, recording every statement it sends and every SQLSTATE it gets back. */
function recording(pgPool: pg.Pool) {
  const pool = pgPool as unknown as PostgresPool
  const sent: string[] = []
  const failed: string[] = []
  let checkouts = 0
  const wrapped: PostgresPool = {
    async query(text, values) {
      sent.push(text)
      try {
        return await pool.query(text, values)
      } catch (error) {
        failed.push(String((error as { code?: string }).code))
        throw error
      }
    },
    connect() {
      checkouts++
      return pool.connect()
    },
    end: () => pool.end(),
    on: (event, listener) => pgPool.on(event, listener),
  }
  return { pool: wrapped, sent, failed, checkouts: () => checkouts }
}

const scope = { tenant_id: 'acme', action: 'deploy', key: 'k-1' }
const claimRequest = (owner: string) => ({
  ...scope,
  fingerprint: 'fp',
  owner,
  lease_until: at(30),
  now: at(0),
})
const claim = (owner: string): WriteOp => ({ kind: 'claim', request: claimRequest(owner) })

// The multi-statement path, as a replica of the previous version writes.
describeBatchConformance('postgres (transaction batches)', async () =>
  postgresStore({ pool: newPool(), schema: nextSchema(), batch: 'transaction' }),
)

describe('postgres batches', () => {
  it('commits claims, events and a completion of many requests in one round trip', async () => {
    const schema = nextSchema()
    const pool = newPool()
    await postgresStore({ pool, schema }).migrate()
    const r = recording(pool)
    const store = postgresStore({ pool: r.pool, schema })
    await store.batch([{ kind: 'append', event: sampleEvent() }])
    const sentBefore = r.sent.length
    const results = await store.batch([
      claim('own-a'),
      { kind: 'append', event: sampleEvent() },
      { kind: 'complete', scope, owner: 'own-a', outcome: '{"ok":true}', expires_at: at(60), now: at(1) },
      { kind: 'append', event: sampleEvent() },
    ])
    expect(r.sent.length - sentBefore).toBe(1)
    expect(r.checkouts()).toBe(0)
    expect(results.map((x) => x.kind)).toEqual(['claim', 'append', 'complete', 'append'])
    expect(results[2]).toEqual({ kind: 'complete', stored: true })
    expect(results[3]).toMatchObject({ kind: 'append', event: { seq: 3 } })
    expect(await verifyStore(store)).toEqual({ valid: true, count: 3 })
  })

  it('keeps one linear chain when two stores on one schema interleave batches', async () => {
    const schema = nextSchema()
    const a = recording(newPool())
    const b = recording(newPool())
    const storeA = postgresStore({ pool: a.pool, schema })
    const storeB = postgresStore({ pool: b.pool, schema })
    await Promise.all([storeA.migrate(), storeB.migrate()])
    const writers = [new GroupCommit(storeA, { maxBatch: 8 }), new GroupCommit(storeB, { maxBatch: 8 })]
    const events = Array.from({ length: 400 }, (_, i) =>
      writers[i % 2]!.append(sampleEvent({ actor: i % 2 === 0 ? 'replica-a' : 'replica-b' })),
    )
    const claims = Array.from({ length: 20 }, (_, i) =>
      writers[i % 2]!.idempotency(storeA.idempotency).claim(claimRequest(`own-${i}`)),
    )
    const stored = await Promise.all(events)
    const settled = await Promise.all(claims)
    await Promise.all(writers.map((w) => w.close()))
    expect(new Set(stored.map((e) => e.seq))).toEqual(new Set(Array.from({ length: 400 }, (_, i) => i + 1)))
    expect(settled.filter((s) => s.kind === 'claimed')).toHaveLength(1)
    // The database links each batch on the head as it finds it: no call failed or was sent again.
    expect([...a.failed, ...b.failed]).toEqual([])
    expect(new Set(stored.map((e) => e.actor))).toEqual(new Set(['replica-a', 'replica-b']))
    expect(await verifyStore(storeA, { pageSize: 64 })).toEqual({ valid: true, count: 400 })
  })

  it('links a batch after events another replica appended since, in one call, and stores it once', async () => {
    const schema = nextSchema()
    const pool = newPool()
    const other = postgresStore({ pool, schema })
    await other.migrate()
    const r = recording(pool)
    const store = postgresStore({ pool: r.pool, schema })
    await store.batch([{ kind: 'append', event: sampleEvent() }])
    // Another replica appends between this store's batches.
    await other.audit.append([sampleEvent({ actor: 'other-replica' })])
    const sentBefore = r.sent.length
    const results = await store.batch([
      { kind: 'claim', request: claimRequest('own-a'), event: sampleEvent({ reason: 'started' }) },
      { kind: 'append', event: sampleEvent() },
    ])
    expect(r.sent.length - sentBefore).toBe(1)
    expect(r.failed).toEqual([])
    expect(r.checkouts()).toBe(0)
    expect(results[0]).toMatchObject({ result: { kind: 'claimed', recovered: false }, event: { seq: 3 } })
    expect(results[1]).toMatchObject({ kind: 'append', event: { seq: 4, actor: 'alice' } })
    expect(await store.idempotency.get(scope)).toMatchObject({ state: 'in_flight' })
    expect(await verifyStore(store)).toEqual({ valid: true, count: 4 })
  })

  it('hashes in the database exactly as the gateway does, whatever text an event holds', async () => {
    const schema = nextSchema()
    const store = postgresStore({ pool: newPool(), schema })
    await store.migrate()
    const odd = ['é', '😀', '\ud800', '\u2028', '"seq":1', '\\', '\u0000'.replace('\u0000', 'nul')]
    const results = await store.batch(
      odd.map((value, i) => ({
        kind: 'append',
        event: sampleEvent({ reason: value, inputs: { seq: i, value, nested: { seq: value } } }),
      })),
    )
    const stored = await store.audit.range(0, 20)
    expect(stored.map((e) => e.hash)).toEqual(
      results.map((r) => (r as { event: { hash: string } }).event.hash),
    )
    expect(await verifyStore(store)).toEqual({ valid: true, count: odd.length })
  })

  it('keeps one chain beside a writer that locks the head in a transaction, as a replica of the previous version does', async () => {
    const schema = nextSchema()
    const oneCall = postgresStore({ pool: newPool(), schema })
    const locked = postgresStore({ pool: newPool(), schema, batch: 'transaction' })
    await oneCall.migrate()
    const writers = [new GroupCommit(oneCall, { maxBatch: 4 }), new GroupCommit(locked, { maxBatch: 4 })]
    const stored = await Promise.all(
      Array.from({ length: 200 }, (_, i) => writers[i % 2]!.append(sampleEvent())),
    )
    await Promise.all(writers.map((w) => w.close()))
    expect(new Set(stored.map((e) => e.seq)).size).toBe(200)
    expect(await verifyStore(locked, { pageSize: 50 })).toEqual({ valid: true, count: 200 })
  })

  it('fails a batch whose outcome is unknown with STORE_UNAVAILABLE and sends it only once', async () => {
    const schema = nextSchema()
    const pgPool = newPool()
    const pool = pgPool as unknown as PostgresPool
    const store = postgresStore({ pool, schema })
    await store.migrate()
    await store.batch([{ kind: 'append', event: sampleEvent() }])
    let calls = 0
    const dying: PostgresPool = {
      ...recording(pgPool).pool,
      async query(text, values) {
        if (!text.includes('airlock_write_batch')) return pool.query(text, values)
        calls++
        // The statement reached the server; the answer never came back.
        await pool.query(text, values)
        throw new Error('Connection terminated unexpectedly')
      },
    }
    const cut = postgresStore({ pool: dying, schema })
    const error = await cut.batch([{ kind: 'append', event: sampleEvent() }]).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'STORE_UNAVAILABLE' })
    expect(calls).toBe(1)
    expect(await store.audit.head()).toMatchObject({ seq: 2 })
    expect(await verifyStore(store)).toEqual({ valid: true, count: 2 })
  })

  it('fails every unit with STORE_UNAVAILABLE when the driver gives up on a batch the server goes on to commit', async () => {
    const schema = nextSchema()
    const setup = postgresStore({ pool: newPool(), schema })
    await setup.migrate()
    await setup.batch([{ kind: 'append', event: sampleEvent({ reason: 'first' }) }])
    // `pg` fails the promise after 300 ms; the server, behind a held head lock, commits later.
    const impatient = new pg.Pool({ connectionString: url, max: 2, query_timeout: 300 })
    pools.push(impatient)
    const store = postgresStore({ pool: impatient as unknown as PostgresPool, schema })
    const holder = await newPool().connect()
    await holder.query('BEGIN')
    await holder.query(`SELECT 1 FROM "${schema}".airlock_audit_head WHERE id = 1 FOR UPDATE`)
    const commit = new GroupCommit(store)
    const units = Promise.allSettled([
      commit.claimWith(claimRequest('slow-key'), sampleEvent({ reason: 'claim' })),
      commit.append(sampleEvent({ reason: 'plain' })),
    ])
    await new Promise((resolve) => setTimeout(resolve, 600))
    await holder.query('COMMIT')
    holder.release()
    const settled = await units
    // Not retried: a retry would have answered the taken claim as someone else's and the stored event as failed.
    for (const unit of settled) {
      expect(unit).toMatchObject({ status: 'rejected', reason: { code: 'STORE_UNAVAILABLE' } })
    }
    const deadline = Date.now() + 10_000
    while (((await setup.audit.head())?.seq ?? 0) < 3 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    expect((await setup.audit.range(0, 10)).map((e) => e.reason)).toEqual(['first', 'claim', 'plain'])
    expect(await verifyStore(setup)).toEqual({ valid: true, count: 3 })
    await commit.close()
  })

  it('names the accepted values of a bad batch option', () => {
    expect(() => postgresStore({ pool: newPool(), batch: 'pipelined' as unknown as 'function' })).toThrow(
      /batch must be 'function' or 'transaction', got "pipelined"/,
    )
  })
})
