/**
 * Audit append throughput through {@link AuditWriter}: 200 concurrent
 * producers, each awaiting its durable write before the next, on SQLite (a
 * temporary file) and PostgreSQL (a temporary schema).
 *
 * Run: `node --import jiti/register bench/store.ts`. PostgreSQL is taken from
 * `AIRLOCK_BENCH_POSTGRES` (default `postgres://postgres@127.0.0.1:5432/test`).
 *
 * @module
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { AuditEventInput } from '../src/audit/audit-event.js'
import { AuditWriter } from '../src/audit/audit-writer.js'
import { verifyStore } from '../src/audit/verify-chain.js'
import { postgresStore } from '../src/store/postgres/index.js'
import { sqliteStore } from '../src/store/sqlite/index.js'
import type { Store } from '../src/store/store.js'

const PRODUCERS = 200
const DURATION_MS = 5_000

function event(producer: number, i: number): AuditEventInput {
  return {
    id: `evt-${randomBytes(12).toString('hex')}`,
    ts: new Date().toISOString(),
    tenant_id: 'acme',
    request_id: `req-${producer}-${i}`,
    status: 'executed',
    action: 'deploy',
    actor: `agent-${producer}`,
    target: 'prod/api-server',
    decision: 'allow',
    reason: 'matched rule deploys-in-business-hours',
    rule: 'deploys-in-business-hours',
    risk_class: 'medium',
    effective_risk: 'high',
    inputs: { version: '1.2.3', replicas: 3, password: '[REDACTED]' },
    result: { ok: true, duration_ms: 41.5 },
    error: null,
    approval_id: null,
    approver: null,
    idempotency_key: `k-${producer}-${i}`,
    ticket_id: null,
    context: { channel: 'bench' },
  }
}

interface Figures {
  readonly events: number
  readonly perSecond: number
  readonly p50: number
  readonly p99: number
}

async function measure(store: Store): Promise<Figures> {
  const writer = new AuditWriter(store.audit)
  const latencies: number[] = []
  const deadline = performance.now() + DURATION_MS
  const started = performance.now()
  await Promise.all(
    Array.from({ length: PRODUCERS }, async (_, producer) => {
      for (let i = 0; performance.now() < deadline; i++) {
        const t = performance.now()
        await writer.write(event(producer, i))
        latencies.push(performance.now() - t)
      }
    }),
  )
  const elapsed = (performance.now() - started) / 1000
  await writer.close()
  latencies.sort((a, b) => a - b)
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? 0
  return { events: latencies.length, perSecond: latencies.length / elapsed, p50: pct(0.5), p99: pct(0.99) }
}

function report(name: string, f: Figures): void {
  console.log(
    `${name.padEnd(10)} ${Math.round(f.perSecond).toLocaleString('en-US').padStart(8)} events/s  ` +
      `p50 ${f.p50.toFixed(1)} ms  p99 ${f.p99.toFixed(1)} ms  (${f.events.toLocaleString('en-US')} events, ${PRODUCERS} producers)`,
  )
}

/** Measures audit appends/s and latency on SQLite and PostgreSQL and prints the figures. */
export async function benchStore(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-bench-'))
  try {
    const sqlite = sqliteStore({ path: join(dir, 'bench.db') })
    await sqlite.migrate()
    report('sqlite', await measure(sqlite))
    const check = await verifyStore(sqlite)
    if (!check.valid) throw new Error(`sqlite chain broken after the bench: ${check.reason}`)
    await sqlite.close()
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }

  const url = process.env.AIRLOCK_BENCH_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/test'
  const schema = `airlock_bench_${randomBytes(4).toString('hex')}`
  const postgres = postgresStore({ connectionString: url, schema, max: 4 })
  try {
    await postgres.migrate()
    report('postgres', await measure(postgres))
    const check = await verifyStore(postgres)
    if (!check.valid) throw new Error(`postgres chain broken after the bench: ${check.reason}`)
  } finally {
    await dropSchema(postgres, url, schema)
  }
}

async function dropSchema(store: Store, url: string, schema: string): Promise<void> {
  await store.close()
  const { default: pg } = await import('pg')
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
  } finally {
    await client.end()
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await benchStore()
}
