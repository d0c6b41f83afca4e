/**
 * CPU per audited request: `POST /actions/add/execute` through the HTTP app
 * (`app.fetch`, no socket, so Node's HTTP server is out of the figure) with
 * API-key auth, an allow-all policy and a sealed audit chain, 50 requests in
 * flight at a time. Prints the process's CPU time (user + system) per request
 * on the memory store and on SQLite (durable audit), and the load average.
 *
 * Run alone with `npm run bench -- request-cpu` (`BENCH_REQUESTS` sets the
 * measured requests per store, default 20,000).
 *
 * @module
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { memoryStore } from '../src/store/memory/index.js'
import { sqliteStore } from '../src/store/sqlite/index.js'
import type { Store } from '../src/store/store.js'
import { createBenchApp } from './bench-gateway.js'

const IN_FLIGHT = 50

/** Sends `total` requests, `IN_FLIGHT` at a time; throws on any non-2xx. */
async function drive(fetch: (request: Request) => Response | Promise<Response>, key: string, total: number) {
  const body = JSON.stringify({ inputs: { a: 1, b: 2 } })
  const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' }
  let next = 0
  const worker = async () => {
    while (next < total) {
      next++
      const response = await fetch(
        new Request('http://127.0.0.1/actions/add/execute', { method: 'POST', body, headers }),
      )
      if (!response.ok) throw new Error(`status ${response.status}: ${await response.text()}`)
      await response.arrayBuffer()
    }
  }
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker))
}

/** µs of CPU and of wall time per request, after a warm-up. */
export async function measureRequestCpu(store: Store, total: number) {
  const { airlock, app, key } = await createBenchApp(store)
  try {
    await drive(app.fetch, key, Math.min(5_000, total))
    const cpu = process.cpuUsage()
    const started = performance.now()
    await drive(app.fetch, key, total)
    const wallMs = performance.now() - started
    const used = process.cpuUsage(cpu)
    const chain = await airlock.audit.verify()
    if (!chain.valid) throw new Error('the audit chain does not verify')
    return { cpuUs: (used.user + used.system) / total, wallUs: (wallMs * 1000) / total }
  } finally {
    await airlock.close()
  }
}

/** Runs the benchmark and prints its figures. */
export async function benchRequestCpu(): Promise<void> {
  const total = Number(process.env.BENCH_REQUESTS ?? 20_000)
  const dir = mkdtempSync(join(tmpdir(), 'airlock-bench-request-cpu-'))
  try {
    console.log(
      `request-cpu: POST /actions/add/execute via app.fetch, ${IN_FLIGHT} in flight, ${total} requests`,
    )
    for (const [name, open] of [
      ['memory store', () => memoryStore()],
      ['SQLite (durable audit)', () => sqliteStore({ path: join(dir, 'airlock.db') })],
    ] as const) {
      const { cpuUs, wallUs } = await measureRequestCpu(open(), total)
      const load = loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')
      console.log(
        `  ${name.padEnd(24)} ${cpuUs.toFixed(1).padStart(7)} µs CPU/request  ${wallUs.toFixed(1).padStart(7)} µs wall/request  [load ${load}]`,
      )
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await benchRequestCpu()
