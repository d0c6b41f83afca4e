/**
 * HTTP benchmark: `POST /actions/{name}/execute` over a real port, API-key
 * authentication, an allow-all policy and a SQLite store with a durable audit
 * chain (WAL, synchronous=FULL), under 50 connections for about 10 seconds.
 * Prints requests per second and p50/p99 latency. The load generator runs on
 * the same machine, in a process of its own.
 *
 * Run alone with `node --import jiti/register bench/http.ts`
 * (`BENCH_HTTP_SECONDS` changes the duration; `BENCH_HTTP_STORE=memory`
 * takes the database out, to see what the HTTP layer alone costs).
 *
 * @module
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import type autocannon from 'autocannon'
import { memoryStore } from '../src/store/memory/index.js'
import { sqliteStore } from '../src/store/sqlite/index.js'
import { startBenchGateway } from './bench-gateway.js'

/**
 * Runs autocannon in its own process, as a load generator would be: on the
 * same machine (it takes one of the cores) but not on the server's event
 * loop, where every pause of the server would also pause the measurement.
 */
async function loadTest(url: string, key: string, seconds: number): Promise<autocannon.Result> {
  const cli = createRequire(import.meta.url).resolve('autocannon/autocannon.js')
  const args = [
    cli,
    '--json',
    '--connections',
    '50',
    '--duration',
    String(seconds),
    '--method',
    'POST',
    '--headers',
    `authorization=Bearer ${key}`,
    '--headers',
    'content-type=application/json',
    '--body',
    JSON.stringify({ inputs: { a: 1, b: 2 } }),
    url,
  ]
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] })
  let out = ''
  child.stdout.setEncoding('utf8')
  child.stdout.on('data', (chunk: string) => {
    out += chunk
  })
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
  if (code !== 0) throw new Error(`autocannon exited with ${code}`)
  return JSON.parse(out) as autocannon.Result
}

/** Runs the benchmark and prints its figures. */
export async function benchHttp(): Promise<void> {
  const seconds = Number(process.env.BENCH_HTTP_SECONDS ?? 10)
  const dir = mkdtempSync(join(tmpdir(), 'airlock-bench-http-'))
  const inMemory = process.env.BENCH_HTTP_STORE === 'memory'
  const store = inMemory ? memoryStore() : sqliteStore({ path: join(dir, 'airlock.db') })
  const { airlock, url, key, close } = await startBenchGateway(store)
  try {
    const result = await loadTest(url, key, seconds)
    const events = await airlock.audit.verify()
    console.log(
      `http: POST /actions/add/execute, 50 connections, ${inMemory ? 'memory store' : 'SQLite (durable audit)'}`,
    )
    console.log(
      `  requests/s  ${Math.round(result.requests.average)} (total ${result.requests.total} in ${result.duration}s)`,
    )
    console.log(
      `  latency     p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, max ${result.latency.max} ms`,
    )
    console.log(`  non-2xx     ${result.non2xx}, errors ${result.errors}, timeouts ${result.timeouts}`)
    console.log(`  audit chain ${events.valid ? 'valid' : 'BROKEN'}, ${events.count} events`)
  } finally {
    await close()
    rmSync(dir, { recursive: true, force: true })
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await benchHttp()
}
