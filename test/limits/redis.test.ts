// needs-services: redis
import { fork } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLimits } from '../../src/limits/create-limits.js'
import { redisLimits } from '../../src/limits/redis/index.js'
import { testRedisOptions } from '../helpers/test-redis.js'
import { describeLimitsConformance, principal } from './conformance.js'
import type { LimitsTask } from './workers/limits-worker.js'

// No skip when Redis is down: the suite must fail loudly so a missing
// backend is never mistaken for a passing one.
const run = `airlock-test:${randomBytes(4).toString('hex')}:`
const client = new Redis({ ...testRedisOptions(), maxRetriesPerRequest: 1, lazyConnect: true })
let backends = 0
const nextPrefix = () => `${run}${backends++}:`

beforeAll(async () => {
  await client.connect()
  await client.ping()
})

afterAll(async () => {
  let cursor = '0'
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${run}*`, 'COUNT', 1000)
    if (keys.length > 0) await client.del(...keys)
    cursor = next
  } while (cursor !== '0')
  client.disconnect()
})

describeLimitsConformance('redis', () => redisLimits({ client, prefix: nextPrefix() }))

const WORKER = fileURLToPath(new URL('./workers/limits-worker.ts', import.meta.url))
const ROOT = fileURLToPath(new URL('../..', import.meta.url))

type WorkerMessage =
  | { type: 'ready' }
  | { type: 'done'; allowed: number }
  | { type: 'error'; message: string }

describe('redis limits', () => {
  it('enforces one combined rate across several OS processes', async () => {
    const task: LimitsTask = { prefix: nextPrefix(), attempts: 100, max_requests: 50, window_s: 60 }
    const children = Array.from({ length: 4 }, () =>
      fork(WORKER, [JSON.stringify(task)], {
        cwd: ROOT,
        execArgv: ['--import', 'jiti/register'],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      }),
    )
    const ready: Promise<void>[] = []
    const done = children.map(
      (child, i) =>
        new Promise<number>((resolve, reject) => {
          let markReady: () => void = () => {}
          ready.push(new Promise<void>((r) => (markReady = r)))
          child.on('message', (m: WorkerMessage) => {
            if (m.type === 'ready') markReady()
            else if (m.type === 'done') resolve(m.allowed)
            else reject(new Error(`worker ${i}: ${m.message}`))
          })
          child.on('exit', (code) => {
            if (code !== 0) reject(new Error(`worker ${i} exited with code ${code}`))
          })
        }),
    )
    await Promise.race([Promise.all(ready), Promise.all(done)])
    for (const child of children) child.send('go')
    const allowed = await Promise.all(done)
    expect(allowed.reduce((a, b) => a + b, 0)).toBe(50)
  }, 60_000)

  it("uses the Redis server's clock when none is injected", async () => {
    const limits = createLimits({
      backend: redisLimits({ client, prefix: nextPrefix() }),
      rate_limit: { max_requests: 2, window_s: 1 },
    })
    const agent = principal('server-clock')
    expect((await limits.checkRate(agent, 'a')).ok).toBe(true)
    expect((await limits.checkRate(agent, 'a')).ok).toBe(true)
    expect(await limits.checkRate(agent, 'a')).toMatchObject({ ok: false, retry_after_s: 1 })
    await new Promise((r) => setTimeout(r, 1100))
    expect((await limits.checkRate(agent, 'a')).ok).toBe(true)
  })

  it('gives every key a TTL, so idle callers cost Redis nothing', async () => {
    const prefix = nextPrefix()
    const limits = createLimits({
      backend: redisLimits({ client, prefix }),
      rate_limit: { max_requests: 5, window_s: 30 },
      circuit_breaker: { threshold: 2, window_s: 30, cooldown_s: 30 },
      cumulative_risk: { window_s: 30 },
    })
    const agent = principal('ttl')
    await limits.checkRate(agent, 'a')
    await limits.recordDenial(agent)
    await limits.addRisk(agent, 'high')
    const [, keys] = await client.scan('0', 'MATCH', `${prefix}*`, 'COUNT', 1000)
    expect(keys.length).toBe(3)
    for (const key of keys) {
      const ttl = await client.pttl(key)
      expect(ttl).toBeGreaterThan(0)
      expect(ttl).toBeLessThanOrEqual(31_000)
    }
  })

  it('reports an unreachable Redis as LIMITS_UNAVAILABLE (a 503 the caller may retry)', async () => {
    const dead = new Redis({
      host: '127.0.0.1',
      port: 1,
      maxRetriesPerRequest: 0,
      lazyConnect: true,
      retryStrategy: () => null,
    })
    dead.on('error', () => {})
    const limits = createLimits({
      backend: redisLimits({ client: dead }),
      rate_limit: { max_requests: 1, window_s: 1 },
    })
    await expect(limits.checkRate(principal('x'), 'a')).rejects.toMatchObject({ code: 'LIMITS_UNAVAILABLE' })
    dead.disconnect()
  })
})
