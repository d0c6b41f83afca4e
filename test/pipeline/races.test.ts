// needs-services: postgres
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { defineAction } from '../../src/actions/define-action.js'
import { createAirlock } from '../../src/airlock.js'
import { generateSealKey } from '../../src/audit/seal.js'
import { localPrincipal } from '../../src/identity/principal.js'
import type { Outcome } from '../../src/outcome.js'
import { allowAll } from '../../src/policy/rules/index.js'
import { postgresStore } from '../../src/store/postgres/index.js'
import { sqliteStore } from '../../src/store/sqlite/index.js'
import type { Store } from '../../src/store/store.js'

const WORKER = resolve(import.meta.dirname, 'workers/pipeline-worker.ts')
const PG_URL = 'postgres://postgres@127.0.0.1:5432/test'
const SEAL_KEY = generateSealKey()

interface Line {
  event: string
  outcome?: Outcome
  error?: string
  request_id?: string
}

function startWorker(job: Record<string, unknown>): {
  child: ChildProcess
  lines: Line[]
  done: Promise<number>
} {
  const child = spawn(process.execPath, ['--import', 'jiti/register', WORKER, JSON.stringify(job)], {
    cwd: resolve(import.meta.dirname, '../..'),
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const lines: Line[] = []
  let buffer = ''
  let stderr = ''
  child.stdout?.on('data', (chunk: Buffer) => {
    buffer += chunk.toString()
    let nl = buffer.indexOf('\n')
    while (nl >= 0) {
      lines.push(JSON.parse(buffer.slice(0, nl)) as Line)
      buffer = buffer.slice(nl + 1)
      nl = buffer.indexOf('\n')
    }
  })
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
  })
  const done = new Promise<number>((resolveDone, reject) => {
    child.on('error', reject)
    child.on('exit', (code, signal) => {
      if (code !== 0 && signal !== 'SIGKILL') reject(new Error(`worker exited ${code ?? signal}: ${stderr}`))
      else resolveDone(code ?? -1)
    })
  })
  return { child, lines, done }
}

async function waitFor(lines: Line[], event: string, timeoutMs = 30_000): Promise<Line> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const found = lines.find((l) => l.event === event)
    if (found) return found
    if (Date.now() > deadline) throw new Error(`no '${event}' from worker within ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

const transfer = defineAction({
  name: 'transfer',
  description: 'Move money (test)',
  input: z.object({ amount: z.number(), to: z.string() }),
  risk: 'low',
  handler: ({ amount, to }) => ({ moved: amount, to, by: process.pid }),
})
const refund = defineAction({
  name: 'refund',
  description: 'Refund (held)',
  input: z.object({ invoice: z.string(), secret_note: z.string() }),
  risk: 'high',
  approval_required: true,
  handler: ({ invoice }) => ({ refunded: invoice }),
})

const schema = `pipeline_race_${process.pid}_${Date.now()}`
const pool = new pg.Pool({ connectionString: PG_URL, max: 4 })
const dir = mkdtempSync(join(tmpdir(), 'airlock-pipeline-'))

beforeAll(async () => {
  // Fails loudly (rather than skipping) when PostgreSQL is not reachable.
  await pool.query(`CREATE SCHEMA ${schema}`)
})
afterAll(async () => {
  await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
  await pool.end()
  rmSync(dir, { recursive: true, force: true })
})

describe('execute across processes on PostgreSQL', () => {
  it('runs the handler exactly once for 50 concurrent calls with one key from 4 processes', async () => {
    const key = `race-${Date.now()}`
    const workers = [13, 13, 12, 12].map((calls) =>
      startWorker({ store: PG_URL, schema, seal_key: SEAL_KEY, mode: 'race', calls, key }),
    )
    await Promise.all(workers.map((w) => w.done))
    const lines = workers.flatMap((w) => w.lines)
    expect(lines.filter((l) => l.event === 'error')).toEqual([])
    const outcomes = lines.map((l) => l.outcome as Outcome)
    expect(outcomes).toHaveLength(50)
    expect(outcomes.filter((o) => !o.replayed)).toHaveLength(1)
    const results = new Set(
      outcomes.map((o) => (o.status === 'executed' ? JSON.stringify(o.result) : o.status)),
    )
    expect(results.size).toBe(1)

    const store = postgresStore({ pool, schema })
    const airlock = createAirlock({
      actions: [transfer],
      store,
      seal: { keys: { k1: SEAL_KEY }, current: 'k1' },
    })
    const executed = await airlock.audit.list({ action: 'transfer', status: 'executed' }, 200)
    expect(executed.items.filter((e) => e.idempotency_key === key)).toHaveLength(1)
    expect(await airlock.audit.verify()).toMatchObject({ valid: true })
    await airlock.close()
  }, 90_000)
})

describe.each([
  [
    'SQLite',
    () => `sqlite:${join(dir, 'crash.db')}`,
    (): Store => sqliteStore({ path: join(dir, 'crash.db') }),
  ],
  [
    'SQLite (writer thread)',
    () => `sqlite:${join(dir, 'crash-thread.db')}?writer=thread`,
    (): Store => sqliteStore({ path: join(dir, 'crash-thread.db'), writer: 'thread' }),
  ],
  ['PostgreSQL', () => PG_URL, (): Store => postgresStore({ pool, schema })],
])('a process killed mid-execution on %s', (_name, url, reopen) => {
  it('leaves a verifiable chain, an intact approval and a key that recovers after its lease', async () => {
    const key = `crash-${Date.now()}`
    const lease_ms = 60_000
    const worker = startWorker({ store: url(), schema, seal_key: SEAL_KEY, mode: 'crash', key, lease_ms })
    const held = await waitFor(worker.lines, 'held')
    await waitFor(worker.lines, 'running')
    worker.child.kill('SIGKILL')
    await worker.done

    const store = reopen()
    // Our clock, so that "after the lease" needs no sleeping and no luck with scheduling.
    let skew = 0
    const airlock = createAirlock({
      now: () => new Date(Date.now() + skew),
      actions: [transfer, refund],
      policies: [allowAll()],
      store,
      seal: { keys: { k1: SEAL_KEY }, current: 'k1' },
      idempotency: { wait_ms: 200, lease_ms, poll_ms: 20 },
    })
    // The chain verifies and shows the run that never finished.
    expect(await airlock.audit.verify()).toMatchObject({ valid: true })
    const started = await airlock.audit.list({ action: 'transfer', status: 'started' }, 50)
    expect(started.items.some((e) => e.idempotency_key === key)).toBe(true)

    // The held request survived with its sealed inputs and can still be approved and run.
    const approvalId = held.outcome?.status === 'pending_approval' ? held.outcome.approval_id : ''
    const caller = localPrincipal('agent-1')
    expect(await airlock.approvals.get(caller, approvalId)).toMatchObject({ status: 'pending' })
    const decided = await airlock.approvals.approve(approvalId, {
      approver: localPrincipal('ops-lead', { roles: ['approver'] }),
    })
    expect(decided).toMatchObject({
      status: 'decided',
      outcome: { status: 'executed', result: { refunded: 'inv-1' } },
    })

    // While the dead holder's lease lasts, the key is in flight; after it, the call runs.
    const call = () =>
      airlock.execute('transfer', { amount: 5, to: 'acct-1' }, { caller, idempotency_key: key })
    await expect(call()).rejects.toMatchObject({ code: 'IDEMPOTENCY_IN_FLIGHT' })
    skew = lease_ms + 1_000
    expect(await call()).toMatchObject({ status: 'executed', replayed: false, result: { moved: 5 } })
    expect(await airlock.audit.verify()).toMatchObject({ valid: true })
    // Closing a store over a shared pool gives back its listening connection and leaves the pool open.
    await airlock.close()
  }, 90_000)
})
