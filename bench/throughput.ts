/**
 * Durable throughput, in one table: the disk's own fsync rate, the same
 * `POST` answered by Node's bare HTTP server with a fixed body (the floor:
 * what this machine and load generator do over HTTP at all; see
 * `http-floor.ts`), then audited `POST /actions/add/execute` over a real port (50 keep-alive connections,
 * API-key auth, allow-all policy) on SQLite with and without an
 * `Idempotency-Key` per request (with the default SQLite writer, `'inline'`
 * on the event loop, and again with `'thread'`, on a worker thread),
 * on the memory store (no durable audit), with audit off (every event thrown
 * away: the gateway's own cost), and on PostgreSQL with and without keys,
 * each with batches as one call of `airlock_write_batch_linked` (the default) and as
 * one statement per write (`batch: 'transaction'`); then the ratios between
 * them.
 *
 * The load generator (wrk when installed, else autocannon; see
 * `load-generator.ts`) runs on the same machine in a process of its own.
 * Every row carries the machine's load average when it was taken: figures
 * from a loaded machine say little. The server counts the TCP
 * connections it accepted; more than the load generator opened means it
 * reconnected, and then its latency figures are not to be trusted (it
 * autocannon misreports against servers that close connections), so the row
 * says so.
 *
 * Run alone with `npm run bench -- throughput` (`BENCH_SECONDS` sets each
 * run's duration, default 10; PostgreSQL from `AIRLOCK_BENCH_POSTGRES`,
 * default `postgres://postgres@127.0.0.1:5432/test`; `BENCH_PG=off` skips it).
 *
 * @module
 */
import { randomBytes } from 'node:crypto'
import { closeSync, fdatasyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs'
import type { Server } from 'node:http'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { memoryStore } from '../src/store/memory/index.js'
import { postgresStore } from '../src/store/postgres/index.js'
import { type SqliteWriter, sqliteStore } from '../src/store/sqlite/index.js'
import type { Store } from '../src/store/store.js'
import { auditOffStore } from './audit-off-store.js'
import { startBenchGateway } from './bench-gateway.js'
import { startHttpFloor } from './http-floor.js'
import { connectionsOpened, generateLoad, LOAD_GENERATOR } from './load-generator.js'

const CONNECTIONS = 50
const WARM_UP_SECONDS = 3
/** The same gateway with every audit event thrown away (see `audit-off-store.ts`). */
const AUDIT_OFF = 'audit off'
/** Node's HTTP server with a fixed answer: no gateway at all (see `http-floor.ts`). */
const HTTP_FLOOR = 'node:http, fixed answer (floor)'
// PostgreSQL with `batch: 'transaction'`: a batch as one statement per write, as before one-call batches.
const PG_STATEMENTS = 'postgres, per-statement batches'
/** The SQLite rows use the default writer; the other one is measured beside it in the same run. */
const DEFAULT_WRITER: SqliteWriter = 'inline'
const OTHER_WRITER: SqliteWriter = 'thread'

/** What one load run measured. */
interface Row {
  readonly name: string
  readonly rps: number
  readonly p50: number
  readonly p99: number
  readonly failures: number
  readonly connections: number
  readonly load: string
}

/** fdatasync calls per second on a 4 KiB block in `dir`: the ceiling for one-commit-per-request designs. */
function fsyncRate(dir: string, ms = 2_000): number {
  const fd = openSync(join(dir, 'fsync-probe'), 'w')
  const block = randomBytes(4096)
  let count = 0
  const deadline = performance.now() + ms
  const started = performance.now()
  try {
    while (performance.now() < deadline) {
      writeSync(fd, block, 0, block.length, 0)
      fdatasyncSync(fd)
      count++
    }
  } finally {
    closeSync(fd)
  }
  return count / ((performance.now() - started) / 1000)
}

async function load(url: string, key: string, seconds: number, keyed: boolean) {
  const body = JSON.stringify({ inputs: { a: 1, b: 2 } })
  return generateLoad({ url, key, seconds, keyed, body, connections: CONNECTIONS })
}

/** Warms up, then loads `url`; counts the TCP connections `server` accepted during the measured run. */
async function measure(
  name: string,
  server: Server,
  url: string,
  key: string,
  keyed: boolean,
  seconds: number,
) {
  let connections = 0
  const count = () => connections++
  server.on('connection', count)
  try {
    // Not measured: the first seconds compile the hot code and start the
    // writer thread (from source, its loader takes a second or more).
    await load(url, key, WARM_UP_SECONDS, keyed)
    connections = 0
    const figures = await load(url, key, seconds, keyed)
    const load1 = loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')
    return { name, ...figures, connections, load: load1 }
  } finally {
    server.off('connection', count)
  }
}

async function run(name: string, store: Store, keyed: boolean, seconds: number): Promise<Row> {
  const { airlock, server, url, key, idle, close } = await startBenchGateway(store)
  try {
    const row = await measure(name, server, url, key, keyed, seconds)
    await idle()
    const chain = await airlock.audit.verify()
    if (!chain.valid) throw new Error(`${name}: the audit chain does not verify: ${chain.reason}`)
    return row
  } finally {
    await close()
  }
}

async function runFloor(seconds: number): Promise<Row> {
  const floor = await startHttpFloor()
  try {
    return await measure(HTTP_FLOOR, floor.server, floor.url, 'floor', false, seconds)
  } finally {
    await floor.close()
  }
}

function printTable(fsync: number, fsyncLoad: string, rows: readonly Row[]): void {
  const pad = (s: string, n: number) => s.padEnd(n)
  const num = (n: number) => String(Math.round(n)).padStart(8)
  console.log(`load generator: ${LOAD_GENERATOR}, ${CONNECTIONS} connections`)
  console.log(`disk fsync rate: ${Math.round(fsync)} fdatasync/s (4 KiB) [load ${fsyncLoad}]`)
  console.log(`${pad('scenario', 40)}   req/s   p50 ms   p99 ms  fail  conns  load average`)
  for (const r of rows) {
    const reconnects =
      r.connections > connectionsOpened(CONNECTIONS) ? '  RECONNECTED: latency not trustworthy' : ''
    console.log(
      `${pad(r.name, 40)}${num(r.rps)} ${num(r.p50)} ${num(r.p99)} ${String(r.failures).padStart(5)} ${String(r.connections).padStart(6)}  ${r.load}${reconnects}`,
    )
  }
  const by = (name: string) => rows.find((r) => r.name === name)?.rps
  const ratio = (label: string, a: string, b: string) => {
    const x = by(a)
    const y = by(b)
    if (x !== undefined && y !== undefined && y > 0) console.log(`  ${pad(label, 46)} ${(x / y).toFixed(2)}`)
  }
  console.log('ratios')
  ratio('audit off / node:http floor', AUDIT_OFF, HTTP_FLOOR)
  ratio('SQLite audited / node:http floor', 'sqlite', HTTP_FLOOR)
  ratio('SQLite audited / audit off', 'sqlite', AUDIT_OFF)
  ratio('SQLite audited / memory store', 'sqlite', 'memory (no durable audit)')
  ratio('SQLite with keys / without', 'sqlite + idempotency keys', 'sqlite')
  ratio(
    `SQLite ${OTHER_WRITER} writer / ${DEFAULT_WRITER} (default)`,
    `sqlite, ${OTHER_WRITER} writer`,
    'sqlite',
  )
  ratio(
    `SQLite + keys ${OTHER_WRITER} writer / ${DEFAULT_WRITER}`,
    `sqlite + keys, ${OTHER_WRITER} writer`,
    'sqlite + idempotency keys',
  )
  ratio('PostgreSQL with keys / without', 'postgres + idempotency keys', 'postgres')
  ratio('PostgreSQL / SQLite', 'postgres', 'sqlite')
  ratio('PostgreSQL one-call / per-statement batches', 'postgres', PG_STATEMENTS)
  ratio('  the same with keys', 'postgres + idempotency keys', `${PG_STATEMENTS} + keys`)
  const sqlite = by('sqlite')
  if (sqlite !== undefined)
    console.log(`  ${pad('SQLite audited req/s per disk fsync', 46)} ${(sqlite / fsync).toFixed(2)}`)
}

/** Runs the benchmark and prints its table. */
export async function benchThroughput(): Promise<void> {
  const seconds = Number(process.env.BENCH_SECONDS ?? 10)
  const pgUrl = process.env.AIRLOCK_BENCH_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/test'
  const dir = mkdtempSync(join(tmpdir(), 'airlock-bench-throughput-'))
  const schema = `airlock_bench_${randomBytes(4).toString('hex')}`
  const rows: Row[] = []
  try {
    const fsync = fsyncRate(dir)
    const fsyncLoad = loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')
    rows.push(await runFloor(seconds))
    const sqlite = (file: string, writer: SqliteWriter) => sqliteStore({ path: join(dir, file), writer })
    rows.push(await run('sqlite', sqlite('a.db', DEFAULT_WRITER), false, seconds))
    rows.push(await run('sqlite + idempotency keys', sqlite('b.db', DEFAULT_WRITER), true, seconds))
    rows.push(await run(`sqlite, ${OTHER_WRITER} writer`, sqlite('c.db', OTHER_WRITER), false, seconds))
    rows.push(await run(`sqlite + keys, ${OTHER_WRITER} writer`, sqlite('d.db', OTHER_WRITER), true, seconds))
    rows.push(await run('memory (no durable audit)', memoryStore(), false, seconds))
    rows.push(await run(AUDIT_OFF, auditOffStore(), false, seconds))
    if (process.env.BENCH_PG !== 'off') {
      const pg = (s: string, batch: 'function' | 'transaction' = 'function') =>
        postgresStore({ connectionString: pgUrl, schema: s, max: 8, batch })
      try {
        rows.push(await run('postgres', pg(`${schema}_a`), false, seconds))
        rows.push(await run('postgres + idempotency keys', pg(`${schema}_b`), true, seconds))
        rows.push(await run(PG_STATEMENTS, pg(`${schema}_c`, 'transaction'), false, seconds))
        rows.push(await run(`${PG_STATEMENTS} + keys`, pg(`${schema}_d`, 'transaction'), true, seconds))
      } finally {
        await dropSchemas(
          pgUrl,
          ['a', 'b', 'c', 'd'].map((x) => `${schema}_${x}`),
        )
      }
    }
    printTable(fsync, fsyncLoad, rows)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

async function dropSchemas(url: string, schemas: readonly string[]): Promise<void> {
  const { default: pg } = await import('pg')
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  for (const s of schemas) await client.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`)
  await client.end()
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await benchThroughput()
}
