/**
 * `execute()` throughput and latency with a durable audit log: every decision
 * is fsync'd before its handler runs (SQLite `synchronous=FULL`; PostgreSQL
 * commits), with concurrent calls sharing commits through the audit writer.
 *
 * Run alone with `node --import jiti/register bench/execute.ts`.
 *
 * @module
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { z } from 'zod'
import { defineAction } from '../src/actions/define-action.js'
import { createAirlock } from '../src/airlock.js'
import { generateSealKey } from '../src/audit/seal.js'
import { localPrincipal } from '../src/identity/principal.js'
import { allowAll } from '../src/policy/rules/index.js'
import { postgresStore } from '../src/store/postgres/index.js'
import { sqliteStore } from '../src/store/sqlite/index.js'
import type { Store } from '../src/store/store.js'

const PG_URL = process.env.AIRLOCK_BENCH_PG ?? 'postgres://postgres@127.0.0.1:5432/test'

interface Result {
  store: string
  executes: number
  seconds: number
  per_second: number
  p50_ms: number
  p99_ms: number
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0
}

async function measure(name: string, store: Store, total: number, concurrency: number): Promise<Result> {
  await store.migrate()
  const ping = defineAction({
    name: 'ping',
    description: 'Echo',
    input: z.object({ n: z.number() }),
    risk: 'low',
    handler: ({ n }) => ({ n }),
  })
  const airlock = createAirlock({
    actions: [ping],
    policies: [allowAll()],
    store,
    seal: { keys: { k: generateSealKey() }, current: 'k' },
  })
  const caller = localPrincipal('bench-agent')
  const latencies: number[] = []
  let next = 0
  const worker = async () => {
    while (next < total) {
      const n = next++
      const t0 = performance.now()
      const outcome = await airlock.execute('ping', { n }, { caller })
      latencies.push(performance.now() - t0)
      if (outcome.status !== 'executed') throw new Error(`unexpected ${outcome.status}`)
    }
  }
  // Warm up the JIT and the connection pool outside the measured window.
  for (let i = 0; i < 200; i++) await airlock.execute('ping', { n: -1 }, { caller })
  const started = performance.now()
  await Promise.all(Array.from({ length: concurrency }, worker))
  const seconds = (performance.now() - started) / 1000
  const verified = await airlock.audit.verify()
  if (!verified.valid) throw new Error(`chain broken after the bench: ${verified.reason}`)
  await airlock.close()
  latencies.sort((a, b) => a - b)
  return {
    store: name,
    executes: total,
    seconds: Number(seconds.toFixed(2)),
    per_second: Math.round(total / seconds),
    p50_ms: Number(percentile(latencies, 50).toFixed(2)),
    p99_ms: Number(percentile(latencies, 99).toFixed(2)),
  }
}

/** Prints executes/s and latency on SQLite (temp file) and PostgreSQL (fresh schema). */
export async function benchExecute(): Promise<void> {
  const rows: Result[] = []
  const dir = mkdtempSync(join(tmpdir(), 'airlock-bench-'))
  try {
    rows.push(await measure('sqlite', sqliteStore({ path: join(dir, 'bench.db') }), 60_000, 256))
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  const schema = `bench_${process.pid}_${Date.now()}`
  const pg = await import('pg')
  const pool = new pg.default.Pool({ connectionString: PG_URL, max: 8 })
  try {
    await pool.query(`CREATE SCHEMA ${schema}`)
    rows.push(await measure('postgres', postgresStore({ pool, schema }), 60_000, 256))
  } finally {
    await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined)
    await pool.end()
  }
  console.log('execute(): allow-all policy, durable audit (2 events per execute), 256 concurrent callers')
  console.table(rows)
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await benchExecute()
}
