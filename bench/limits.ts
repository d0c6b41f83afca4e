/**
 * Limits benchmark: µs per rate-limit check and per cumulative-risk check
 * with the memory and Redis backends, and the risk check's cost as the window
 * fills (it must not grow).
 *
 * Run alone with `node --import jiti/register bench/limits.ts`. Redis is taken
 * from `AIRLOCK_BENCH_REDIS` (default `redis://127.0.0.1:6379`).
 *
 * @module
 */
import { randomBytes } from 'node:crypto'
import { pathToFileURL } from 'node:url'
import { Redis } from 'ioredis'
import { Bench } from 'tinybench'
import type { Principal } from '../src/identity/principal.js'
import { createLimits, type Limits } from '../src/limits/create-limits.js'
import type { LimitsBackend } from '../src/limits/limits-backend.js'
import { memoryLimits } from '../src/limits/memory/index.js'
import { redisLimits } from '../src/limits/redis/index.js'

const callers: Principal[] = Array.from({ length: 1000 }, (_, i) => ({
  actor_id: `agent-${i}`,
  roles: [],
  groups: [],
  scopes: [],
  tenant_id: 'acme',
  delegation_chain: [],
  auth: 'identity_token',
}))

function limitsOn(backend: LimitsBackend): Limits {
  return createLimits({
    backend,
    rate_limit: { max_requests: 1_000_000, window_s: 60 },
    action_rate_limits: { '*': { max_requests: 1_000_000, window_s: 60 } },
    circuit_breaker: { threshold: 5 },
    cumulative_risk: { escalation_threshold: 1_000_000_000, deny_threshold: 2_000_000_000 },
  })
}

/** One row of the printed table. */
export interface LimitsBenchRow {
  readonly backend: string
  readonly operation: string
  readonly mean_us: number
  readonly p99_us: number
  readonly ops_per_second: number
}

async function measure(backend: string, limits: Limits): Promise<LimitsBenchRow[]> {
  let i = 0
  const bench = new Bench({ time: 1500, warmup: true })
  bench
    .add('checkRate (caller + action windows, breaker)', async () => {
      await limits.checkRate(callers[i++ % callers.length]!, 'deploy')
    })
    .add('addRisk', async () => {
      await limits.addRisk(callers[i++ % callers.length]!, 'medium')
    })
    .add('recordDenial', async () => {
      await limits.recordDenial(callers[i++ % callers.length]!)
    })
  await bench.run()
  return bench.tasks.map((task) => {
    const r = task.result as { latency: { mean: number; p99?: number }; throughput: { mean: number } }
    return {
      backend,
      operation: task.name,
      mean_us: Math.round(r.latency.mean * 1000 * 100) / 100,
      p99_us: Math.round((r.latency.p99 ?? 0) * 1000 * 100) / 100,
      ops_per_second: Math.round(r.throughput.mean),
    }
  })
}

/** µs per risk check for one caller after `entries` checks already in the window. */
async function riskAfter(entries: number): Promise<number> {
  const limits = limitsOn(memoryLimits())
  const one = callers[0]!
  for (let i = 0; i < entries; i++) await limits.addRisk(one, 'low')
  const n = 20_000
  const start = process.hrtime.bigint()
  for (let i = 0; i < n; i++) await limits.addRisk(one, 'low')
  return Number(process.hrtime.bigint() - start) / 1000 / n
}

/** Runs every measurement and prints tables. */
export async function benchLimits(): Promise<void> {
  const rows = await measure('memory', limitsOn(memoryLimits()))
  const url = process.env.AIRLOCK_BENCH_REDIS ?? 'redis://127.0.0.1:6379'
  const client = new Redis(url, { maxRetriesPerRequest: 1 })
  const prefix = `airlock-bench:${randomBytes(4).toString('hex')}:`
  try {
    rows.push(...(await measure('redis', limitsOn(redisLimits({ client, prefix })))))
  } finally {
    let cursor = '0'
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000)
      if (keys.length > 0) await client.del(...keys)
      cursor = next
    } while (cursor !== '0')
    client.disconnect()
  }
  console.table(rows)
  const growth = []
  for (const entries of [1_000, 10_000, 50_000]) {
    growth.push({
      entries_in_window: entries,
      addRisk_us: Math.round((await riskAfter(entries)) * 1000) / 1000,
    })
  }
  console.log('cumulative risk (memory), cost per check as the window fills:')
  console.table(growth)
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await benchLimits()
