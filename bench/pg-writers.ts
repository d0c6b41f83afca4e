/**
 * PostgreSQL batches with one, two and three writers on one schema, each
 * with its own pool and group-commit writer, standing for replicas (in one
 * process, so no HTTP cost hides the store's). Each writer has 100 producers
 * appending events, each awaiting its durable write before the next.
 *
 * A row gives events per second and, counted at the pool: one-call batches,
 * how many of them the database linked itself because another writer had
 * moved the chain head since the writer's guess (nothing is sent again), and
 * transactions (the multi-statement path). Rows with `batch: 'transaction'`
 * are the multi-statement path for comparison. The chain is verified after
 * each run.
 *
 * `npm run bench -- pg-writers`; `BENCH_SECONDS` (default 5) per run;
 * PostgreSQL from `AIRLOCK_BENCH_POSTGRES`.
 *
 * @module
 */
import { randomBytes } from 'node:crypto'
import { loadavg } from 'node:os'
import { pathToFileURL } from 'node:url'
import pg from 'pg'
import type { AuditEventInput } from '../src/audit/audit-event.js'
import { verifyStore } from '../src/audit/verify-chain.js'
import { GroupCommit } from '../src/store/group-commit.js'
import { postgresStore } from '../src/store/postgres/index.js'
import type { PostgresPool } from '../src/store/postgres/postgres-store-config.js'

const PRODUCERS = 100

interface Counts {
  calls: number
  moved: number
  locked: number
}

/** Whether the database linked a one-call batch's events itself (the writer's guess of the head was stale). */
function relinked(rows: readonly unknown[]): boolean {
  const answer = (rows[0] as { answer?: { events?: unknown } } | undefined)?.answer
  return Array.isArray(answer?.events) && answer.events.some((link) => link !== null)
}

/** A pool that counts one-call batches, batches the database relinked, and transactions. */
function countingPool(url: string, counts: Counts): { pool: PostgresPool; end: () => Promise<void> } {
  const real = new pg.Pool({ connectionString: url, max: 4 })
  const base = real as unknown as PostgresPool
  const pool: PostgresPool = {
    async query<R>(text: string, values?: unknown[]) {
      const result = await base.query<R>(text, values)
      if (text.includes('airlock_write_batch')) {
        counts.calls++
        if (relinked(result.rows)) counts.moved++
      }
      return result
    },
    connect() {
      counts.locked++
      return base.connect()
    },
    end: () => real.end(),
    on: (event, listener) => real.on(event, listener),
  }
  return { pool, end: () => real.end() }
}

function event(writer: number, producer: number, i: number): AuditEventInput {
  return {
    id: `evt-${randomBytes(12).toString('hex')}`,
    ts: new Date().toISOString(),
    tenant_id: 'acme',
    request_id: `req-${writer}-${producer}-${i}`,
    status: 'executed',
    action: 'add',
    actor: `agent-${producer}`,
    target: null,
    decision: 'allow',
    reason: null,
    rule: null,
    risk_class: 'low',
    effective_risk: 'low',
    inputs: { a: 1, b: 2 },
    result: { sum: 3 },
    error: null,
    approval_id: null,
    approver: null,
    idempotency_key: null,
    ticket_id: null,
    context: null,
  }
}

async function run(url: string, schema: string, writers: number, batch: 'function' | 'transaction') {
  const counts: Counts = { calls: 0, moved: 0, locked: 0 }
  const pools = Array.from({ length: writers }, () => countingPool(url, counts))
  const stores = pools.map(({ pool }) => postgresStore({ pool, schema, batch }))
  await stores[0]!.migrate()
  // Migrating took a transaction; only batches count from here.
  Object.assign(counts, { calls: 0, moved: 0, locked: 0 })
  const commits = stores.map((s) => new GroupCommit(s))
  const seconds = Number(process.env.BENCH_SECONDS ?? 5)
  const deadline = performance.now() + seconds * 1000
  let events = 0
  const started = performance.now()
  await Promise.all(
    commits.flatMap((commit, w) =>
      Array.from({ length: PRODUCERS }, async (_, p) => {
        for (let i = 0; performance.now() < deadline; i++) {
          await commit.append(event(w, p, i))
          events++
        }
      }),
    ),
  )
  const elapsed = (performance.now() - started) / 1000
  await Promise.all(commits.map((c) => c.close()))
  const check = await verifyStore(stores[0]!)
  if (!check.valid) throw new Error(`${schema}: the chain does not verify: ${check.reason}`)
  await Promise.all(pools.map((p) => p.end()))
  return { events: events / elapsed, ...counts }
}

/** Runs the benchmark and prints its table. */
export async function benchPgWriters(): Promise<void> {
  const url = process.env.AIRLOCK_BENCH_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/test'
  const prefix = `airlock_bench_w_${randomBytes(4).toString('hex')}`
  const admin = new pg.Pool({ connectionString: url, max: 1 })
  console.log('writers  batches       events/s  one-call  relinked  transactions  load average')
  try {
    for (const batch of ['function', 'transaction'] as const) {
      for (const writers of [1, 2, 3]) {
        const r = await run(url, `${prefix}_${batch}_${writers}`, writers, batch)
        const load = loadavg()
          .map((l) => l.toFixed(1))
          .join(' ')
        console.log(
          `${String(writers).padStart(7)}  ${batch.padEnd(12)}${String(Math.round(r.events)).padStart(9)}  ${String(r.calls).padStart(8)}  ${String(r.moved).padStart(8)}  ${String(r.locked).padStart(12)}  ${load}`,
        )
      }
    }
  } finally {
    const { rows } = await admin.query<{ nspname: string }>(
      'SELECT nspname FROM pg_namespace WHERE nspname LIKE $1',
      [`${prefix}%`],
    )
    for (const { nspname } of rows) await admin.query(`DROP SCHEMA "${nspname}" CASCADE`)
    await admin.end()
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await benchPgWriters()
}
