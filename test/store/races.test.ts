// needs-services: postgres
/**
 * Races between real OS processes, each with its own connections: the
 * guarantees that matter when several gateway replicas share one database.
 */
import { fork } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { verifyStore } from '../../src/audit/verify-chain.js'
import { postgresStore } from '../../src/store/postgres/index.js'
import { sqliteStore } from '../../src/store/sqlite/index.js'
import type { Store } from '../../src/store/store.js'
import { sampleApproval } from './conformance.js'
import type { RaceTask, WorkerMessage } from './workers/race-worker.js'

const WORKER = fileURLToPath(new URL('./workers/race-worker.ts', import.meta.url))
const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const url = process.env.AIRLOCK_TEST_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/test'
const NOW = '2030-01-01T00:00:10.000Z'

/** Starts one process per task, releases them together, and returns each one's results. */
async function race(tasks: readonly Omit<RaceTask, 'worker'>[]): Promise<string[][]> {
  const children = tasks.map((task, worker) =>
    fork(WORKER, [JSON.stringify({ ...task, worker })], {
      cwd: ROOT,
      execArgv: ['--import', 'jiti/register'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    }),
  )
  const ready: Promise<void>[] = []
  const done = children.map(
    (child, i) =>
      new Promise<string[]>((resolve, reject) => {
        let results: string[] | null = null
        let signalReady: () => void = () => {}
        ready.push(new Promise<void>((r) => (signalReady = r)))
        child.on('message', (message: WorkerMessage) => {
          if (message.type === 'ready') signalReady()
          else if (message.type === 'done') results = [...message.results]
          else reject(new Error(`worker ${i} failed: ${message.message}`))
        })
        child.on('error', reject)
        child.on('exit', (code) => {
          if (results && code === 0) resolve(results)
          else reject(new Error(`worker ${i} exited with code ${code} before reporting results`))
        })
      }),
  )
  // A worker that dies before `ready` would leave the others waiting forever.
  await Promise.race([Promise.all(ready), Promise.all(done)])
  for (const child of children) child.send('go')
  return Promise.all(done)
}

function tally(results: readonly string[][]): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const r of results.flat()) counts[r] = (counts[r] ?? 0) + 1
  return counts
}

// Spawning and loading the worker processes takes most of the time on a
// busy machine; the races themselves are over in seconds.
describe('cross-process races on PostgreSQL', { timeout: 180_000 }, () => {
  const schema = `airlock_race_${randomBytes(4).toString('hex')}`
  const pool = new pg.Pool({ connectionString: url, max: 4 })
  const backend = { kind: 'postgres', url, schema } as const
  let store: Store

  beforeAll(async () => {
    store = postgresStore({ pool, schema })
    await store.migrate()
  })

  afterAll(async () => {
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
    await pool.end()
  })

  it('lets exactly one of 20 approvals from 4 processes decide', async () => {
    const approval = await store.approvals.create(sampleApproval({ expires_at: '2030-01-01T01:00:00.000Z' }))
    const results = await race(
      Array.from({ length: 4 }, () => ({
        backend,
        job: { kind: 'approve', tenant: 'acme', id: approval.id, calls: 5, now: NOW },
      })),
    )
    expect(tally(results)).toEqual({ 'counted:approved': 1, already_decided: 19 })
    expect((await store.approvals.get('acme', approval.id))?.votes).toHaveLength(1)
  })

  it('gives one idempotency key to exactly one of 50 claims from 4 processes', async () => {
    const results = await race(
      [13, 13, 12, 12].map((calls) => ({
        backend,
        job: { kind: 'claim', calls, now: NOW, lease_until: '2030-01-01T00:01:00.000Z' },
      })),
    )
    expect(tally(results)).toEqual({ claimed: 1, in_flight: 49 })
  })

  it('accepts a ticket nonce once across 4 processes', async () => {
    const results = await race(
      Array.from({ length: 4 }, () => ({
        backend,
        job: { kind: 'nonce', nonce: 'shared-nonce', calls: 10 },
      })),
    )
    expect(tally(results)).toEqual({ true: 1, false: 39 })
  })

  it('keeps one verifiable chain when 8 processes append 1,000 events each', async () => {
    const results = await race(
      Array.from({ length: 8 }, () => ({ backend, job: { kind: 'audit', events: 1000 } })),
    )
    expect(new Set(results.flat()).size).toBe(8000)
    expect(await store.audit.head()).toMatchObject({ seq: 8000 })
    expect(await verifyStore(store)).toEqual({ valid: true, count: 8000 })
  })

  it('keeps one chain and one claim when 4 processes commit batches of events and claims', async () => {
    const before = (await store.audit.head())?.seq ?? 0
    const results = await race(
      Array.from({ length: 4 }, () => ({
        backend,
        job: { kind: 'batch', events: 500, claims: 10, now: NOW },
      })),
    )
    const counts = tally(results)
    expect(counts.claimed).toBe(1)
    expect(counts.in_flight).toBe(39)
    const seqs = results.flat().filter((r) => r.startsWith('seq:'))
    expect(new Set(seqs).size).toBe(2000)
    expect(await store.audit.head()).toMatchObject({ seq: before + 2000 })
    expect(await verifyStore(store)).toEqual({ valid: true, count: before + 2000 })
  })
})

// Each process commits its batches either on the event loop or on its writer thread.
describe.each(['inline', 'thread'] as const)(
  'cross-process races on one SQLite file (%s writer)',
  { timeout: 180_000 },
  (writer) => {
    const dir = mkdtempSync(join(tmpdir(), 'airlock-race-'))
    const path = join(dir, 'airlock.db')
    const backend = { kind: 'sqlite', path, writer } as const
    let store: Store

    beforeAll(async () => {
      store = sqliteStore({ path, writer })
      await store.migrate()
    })

    afterAll(async () => {
      await store.close()
      rmSync(dir, { recursive: true, force: true })
    })

    it('keeps one verifiable chain when 4 processes append 1,000 events each', async () => {
      const results = await race(
        Array.from({ length: 4 }, () => ({ backend, job: { kind: 'audit', events: 1000 } })),
      )
      expect(new Set(results.flat()).size).toBe(4000)
      expect(await verifyStore(store)).toEqual({ valid: true, count: 4000 })
    })

    it('lets exactly one of 20 approvals from 4 processes decide', async () => {
      const approval = await store.approvals.create(
        sampleApproval({ expires_at: '2030-01-01T01:00:00.000Z' }),
      )
      const results = await race(
        Array.from({ length: 4 }, () => ({
          backend,
          job: { kind: 'approve', tenant: 'acme', id: approval.id, calls: 5, now: NOW },
        })),
      )
      expect(tally(results)).toEqual({ 'counted:approved': 1, already_decided: 19 })
    })

    it('gives one idempotency key to exactly one of 40 claims from 4 processes', async () => {
      const results = await race(
        Array.from({ length: 4 }, () => ({
          backend,
          job: { kind: 'claim', calls: 10, now: NOW, lease_until: '2030-01-01T00:01:00.000Z' },
        })),
      )
      expect(tally(results)).toEqual({ claimed: 1, in_flight: 39 })
    })

    it('keeps one chain and one claim when 4 processes commit batches of events and claims', async () => {
      const before = (await store.audit.head())?.seq ?? 0
      const results = await race(
        Array.from({ length: 4 }, () => ({
          backend,
          job: { kind: 'batch', events: 250, claims: 10, now: NOW },
        })),
      )
      const counts = tally(results)
      expect(counts.claimed).toBe(1)
      expect(counts.in_flight).toBe(39)
      const seqs = results.flat().filter((r) => r.startsWith('seq:'))
      expect(new Set(seqs).size).toBe(1000)
      expect(await verifyStore(store)).toEqual({ valid: true, count: before + 1000 })
    })
  },
)
