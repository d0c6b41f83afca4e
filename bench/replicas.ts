/**
 * Throughput across replicas: audited `POST /actions/add/execute` with 1, 2
 * and 3 `airlock serve` processes (the built CLI, `npm run build` first) on
 * one PostgreSQL schema, with and without an `Idempotency-Key` per request,
 * beside one process on SQLite. No Redis: this measures the store.
 *
 * Each replica gets its own load generator process (see `load-generator.ts`) and an equal share of 50
 * keep-alive connections, all at once; a row sums their requests per second
 * and reports the worst replica's p50 and p99. Everything (PostgreSQL
 * included) shares this machine's cores, so the row's load average matters
 * more than usual. The chain is verified after each run.
 *
 * `npm run bench -- replicas`; `BENCH_SECONDS` (default 10) per run;
 * PostgreSQL from `AIRLOCK_BENCH_POSTGRES`.
 *
 * @module
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { generateSealKey } from '../src/audit/seal.js'
import { verifyStore } from '../src/audit/verify-chain.js'
import { generateApiKey, hashApiKey } from '../src/identity/auth/index.js'
import { openStore } from '../src/store/open-store.js'
import { type GatewayProcess, startNode } from '../test/e2e/helpers/gateway-process.js'
import { generateLoad } from './load-generator.js'

const CONNECTIONS = 50
const CONFIG = 'bench/fixtures/replica.config.yaml'

interface Row {
  readonly name: string
  readonly rps: number
  readonly p50: number
  readonly p99: number
  readonly failures: number
  readonly load: string
}

async function load(url: string, key: string, connections: number, seconds: number, keyed: boolean) {
  const body = JSON.stringify({ inputs: { a: 1, b: 2 } })
  return generateLoad({ url: `${url}/actions/add/execute`, key, connections, seconds, keyed, body })
}

async function stop(replicas: readonly GatewayProcess[]): Promise<void> {
  await Promise.all(replicas.map((r) => r.stop()))
}

/** `count` replicas on `store`, loaded together; the chain must verify afterwards. */
async function run(
  name: string,
  store: string,
  count: number,
  keyed: boolean,
  seconds: number,
): Promise<Row> {
  const key = generateApiKey()
  const env = { AIRLOCK_BENCH_KEY_SHA256: hashApiKey(key), AIRLOCK_BENCH_SEAL_KEY: SEAL_KEY }
  const start = () =>
    startNode(['dist/cli/bin.js', 'serve', '--config', CONFIG, '--port', '0', '--store', store], env)
  // The first one migrates alone.
  const replicas = [await start()]
  let row: Row
  try {
    replicas.push(...(await Promise.all(Array.from({ length: count - 1 }, start))))
    const share = Math.round(CONNECTIONS / count)
    const figures = await Promise.all(replicas.map((r) => load(r.url, key, share, seconds, keyed)))
    row = {
      name,
      rps: figures.reduce((sum, f) => sum + f.rps, 0),
      p50: Math.max(...figures.map((f) => f.p50)),
      p99: Math.max(...figures.map((f) => f.p99)),
      failures: figures.reduce((sum, f) => sum + f.failures, 0),
      load: loadavg()
        .map((l) => l.toFixed(1))
        .join(' '),
    }
  } finally {
    await stop(replicas)
  }
  const opened = await openStore(store)
  const chain = await verifyStore(opened)
  await opened.close()
  if (!chain.valid) throw new Error(`${name}: the audit chain does not verify`)
  return row
}
const SEAL_KEY = generateSealKey()

function printTable(rows: readonly Row[]): void {
  const num = (n: number) => String(Math.round(n)).padStart(8)
  console.log(`${'scenario'.padEnd(36)}   req/s   p50 ms   p99 ms  fail  load average`)
  for (const r of rows) {
    console.log(
      `${r.name.padEnd(36)}${num(r.rps)} ${num(r.p50)} ${num(r.p99)} ${String(r.failures).padStart(5)}  ${r.load}`,
    )
  }
}

/** Runs the benchmark and prints its table. */
export async function benchReplicas(): Promise<void> {
  const seconds = Number(process.env.BENCH_SECONDS ?? 10)
  const pgUrl = new URL(process.env.AIRLOCK_BENCH_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/test')
  const prefix = `airlock_bench_rep_${randomBytes(4).toString('hex')}`
  const dir = mkdtempSync(join(tmpdir(), 'airlock-bench-replicas-'))
  const schemas: string[] = []
  const pgStore = (tag: string) => {
    const url = new URL(pgUrl)
    url.searchParams.set('schema', `${prefix}_${tag}`)
    schemas.push(`${prefix}_${tag}`)
    return url.toString()
  }
  const rows: Row[] = []
  try {
    rows.push(await run('sqlite, 1 replica', `sqlite:${join(dir, 'a.db')}`, 1, false, seconds))
    rows.push(await run('sqlite, 1 replica + keys', `sqlite:${join(dir, 'b.db')}`, 1, true, seconds))
    for (const count of [1, 2, 3]) {
      const label = `postgres, ${count} replica${count > 1 ? 's' : ''}`
      rows.push(await run(label, pgStore(`${count}`), count, false, seconds))
      rows.push(await run(`${label} + keys`, pgStore(`${count}k`), count, true, seconds))
    }
    printTable(rows)
  } finally {
    rmSync(dir, { recursive: true, force: true })
    await dropSchemas(pgUrl.toString(), schemas)
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
  await benchReplicas()
}
