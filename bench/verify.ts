/**
 * `airlock audit verify` at scale: builds a large audit log in a temporary
 * SQLite file (through the store's own append, in big batches), exports it
 * as JSON Lines, optionally copies it into a PostgreSQL schema, then verifies
 * each in a fresh child process and prints µs per event and the child's peak
 * resident memory (`process.resourceUsage().maxRSS`).
 *
 * Each verification runs the built CLI (`dist/`, so `npm run build` first) in
 * a process of its own, so the peak memory is that of `airlock audit verify`
 * alone, not of building the log; its RSS before verifying (Node itself) is
 * printed beside the peak. Wall and CPU time per event are both printed:
 * on a shared machine the CPU figure is the steadier one.
 *
 * Run: `npm run bench -- verify`. `BENCH_VERIFY_EVENTS` sets the log size
 * (default 1,000,000); PostgreSQL gets at most `BENCH_VERIFY_PG_EVENTS`
 * (default 200,000) from `AIRLOCK_BENCH_POSTGRES`, and `BENCH_PG=off` skips it.
 *
 * @module
 */
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { createWriteStream, existsSync, mkdtempSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { AuditEvent, AuditEventInput } from '../src/audit/audit-event.js'
import { exportJsonl } from '../src/audit/jsonl.js'
import { postgresStore } from '../src/store/postgres/index.js'
import { sqliteStore } from '../src/store/sqlite/index.js'
import type { Store } from '../src/store/store.js'

const BATCH = 10_000

function event(i: number): AuditEventInput {
  return {
    id: `evt-${randomBytes(12).toString('hex')}`,
    ts: new Date(1_700_000_000_000 + i).toISOString(),
    tenant_id: 'acme',
    request_id: `req-${i}`,
    status: 'executed',
    action: 'deploy',
    actor: `agent-${i % 50}`,
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
    idempotency_key: `k-${i}`,
    ticket_id: null,
    context: { channel: 'bench' },
  }
}

async function fill(store: Store, count: number): Promise<void> {
  for (let done = 0; done < count; ) {
    const n = Math.min(BATCH, count - done)
    await store.audit.append(Array.from({ length: n }, (_, k) => event(done + k)))
    done += n
  }
}

async function* chain(store: Store, limit: number): AsyncGenerator<AuditEvent> {
  for (let after = 0; after < limit; ) {
    const page = await store.audit.range(after, Math.min(1000, limit - after))
    if (page.length === 0) return
    yield* page
    after = page.at(-1)!.seq
  }
}

interface ChildFigures {
  readonly valid: boolean
  readonly count: number
  readonly ms: number
  readonly cpuMs: number
  readonly baseRssMb: number
  readonly peakRssMb: number
}

// The verifying process: the built CLI's own entry point, `audit verify --json`,
// timed and with its peak resident memory.
const VERIFY_SCRIPT = `
const [entry, args] = [process.argv[1], JSON.parse(process.argv[2])]
const { runCli } = await import(entry)
let text = ''
const stdout = { write: (s) => { text += s } }
const baseRssMb = process.resourceUsage().maxRSS / 1024
const cpu = process.cpuUsage()
const started = performance.now()
await runCli(args, { stdout, stderr: process.stderr, cwd: process.cwd(), env: process.env })
const ms = performance.now() - started
const { user, system } = process.cpuUsage(cpu)
const result = JSON.parse(text)
process.stdout.write(JSON.stringify({ valid: result.valid, count: result.count, ms, cpuMs: (user + system) / 1000,
  baseRssMb, peakRssMb: process.resourceUsage().maxRSS / 1024 }))`

/** Runs the built CLI's `audit verify` on a store URL or a file in a process of its own. */
async function verifyInChild(args: readonly string[]): Promise<ChildFigures> {
  const entry = new URL('../dist/cli/run-cli.js', import.meta.url)
  if (!existsSync(entry)) throw new Error('bench verify runs the built CLI: run `npm run build` first')
  const child = spawn(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      VERIFY_SCRIPT,
      entry.href,
      JSON.stringify(['audit', 'verify', '--json', ...args]),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  )
  let out = ''
  child.stdout.setEncoding('utf8')
  child.stdout.on('data', (chunk: string) => {
    out += chunk
  })
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
  if (code !== 0) throw new Error(`the verifying process exited with ${code}`)
  return JSON.parse(out) as ChildFigures
}

function print(name: string, f: ChildFigures): void {
  if (!f.valid) throw new Error(`${name}: the chain does not verify`)
  const load = loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')
  const perEvent = (ms: number) => ((ms * 1000) / f.count).toFixed(2).padStart(9)
  console.log(
    `${name.padEnd(12)}${String(f.count).padStart(9)} ${perEvent(f.ms)} ${perEvent(f.cpuMs)} ${f.baseRssMb.toFixed(0).padStart(8)} ${f.peakRssMb.toFixed(0).padStart(8)}  ${load}`,
  )
}

/** Runs the benchmark and prints its table. */
export async function benchVerify(): Promise<void> {
  const count = Number(process.env.BENCH_VERIFY_EVENTS ?? 1_000_000)
  const pgCount = Math.min(count, Number(process.env.BENCH_VERIFY_PG_EVENTS ?? 200_000))
  const pgUrl = process.env.AIRLOCK_BENCH_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/test'
  const dir = mkdtempSync(join(tmpdir(), 'airlock-bench-verify-'))
  const db = join(dir, 'audit.db')
  const file = join(dir, 'audit.jsonl')
  try {
    const started = performance.now()
    const sqlite = sqliteStore({ path: db })
    await sqlite.migrate()
    await fill(sqlite, count)
    const out = createWriteStream(file)
    await exportJsonl(chain(sqlite, count), out)
    await new Promise<void>((done, fail) => out.end((e?: Error | null) => (e ? fail(e) : done())))
    console.log(`built ${count} events in ${((performance.now() - started) / 1000).toFixed(1)} s`)
    console.log(`${'source'.padEnd(12)}   events  wall µs/ev  cpu µs/ev  base MB  peak MB  load average`)
    print('sqlite', await verifyInChild(['--store', `sqlite:${db}`]))
    print('jsonl file', await verifyInChild([file]))
    if (process.env.BENCH_PG !== 'off') {
      const schema = `airlock_bench_${randomBytes(4).toString('hex')}`
      const pg = postgresStore({ connectionString: pgUrl, schema })
      try {
        await pg.migrate()
        await fill(pg, pgCount)
        print('postgres', await verifyInChild(['--store', `${pgUrl}?schema=${schema}`]))
      } finally {
        await pg.close()
        await dropSchema(pgUrl, schema)
      }
    }
    await sqlite.close()
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

async function dropSchema(url: string, schema: string): Promise<void> {
  const { default: pg } = await import('pg')
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
  await client.end()
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await benchVerify()
}
