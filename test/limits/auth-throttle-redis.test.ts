// needs-services: redis
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAirlock } from '../../src/airlock.js'
import { createAirlockFromConfig } from '../../src/config/create-airlock-from-config.js'
import { loadConfig } from '../../src/config/load-config.js'
import { createHttpApp } from '../../src/http/create-http-app.js'
import { apiKeyAuth } from '../../src/identity/auth/api-key-auth.js'
import { hashApiKey } from '../../src/identity/auth/generate-api-key.js'
import { redisLimits } from '../../src/limits/redis/index.js'
import { TEST_REDIS_URL, testRedisOptions } from '../helpers/test-redis.js'

const PREFIX = `airlock-test:authfail:${randomBytes(4).toString('hex')}:`
const GOOD = 'ak_good_key_0123456789abcdef'
const redis = new Redis({ ...testRedisOptions(), lazyConnect: true })
let dir: string

async function configFile(limits: string): Promise<string> {
  const file = join(dir, `airlock-${randomBytes(3).toString('hex')}.config.yaml`)
  await writeFile(
    file,
    `store: memory
auth:
  api_keys:
    - { id: k, sha256: ${hashApiKey(GOOD)}, actor_id: agent }
  failed_attempts: { max_failures: 3, window: 1m, cooldown: 1m }
${limits}
dashboard: { enabled: false }
`,
  )
  return file
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'airlock-authfail-'))
  await redis.connect()
})

afterAll(async () => {
  let cursor = '0'
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${PREFIX}*`, 'COUNT', 1000)
    if (keys.length > 0) await redis.del(...keys)
    cursor = next
  } while (cursor !== '0')
  redis.disconnect()
  await rm(dir, { recursive: true, force: true })
})

const wrong = (
  app: { request: (path: string, init: RequestInit) => Response | Promise<Response> },
  n: number,
) => app.request('/actions', { headers: { authorization: `Bearer ak_wrong_${n}` } })

describe('failed-authentication throttling from the config file', () => {
  it('counts in the limits’ Redis, so replicas share one count', async () => {
    const file = await configFile(`limits: { redis: ${TEST_REDIS_URL}, redis_prefix: "${PREFIX}" }`)
    const config = await loadConfig(file)
    const replicas = [await createAirlockFromConfig(config), await createAirlockFromConfig(config)]
    try {
      const [a, b] = replicas.map((r) => createHttpApp(r.airlock, r.httpOptions))
      if (!a || !b) throw new Error('two replicas expected')
      expect((await wrong(a, 1)).status).toBe(401)
      expect((await wrong(b, 2)).status).toBe(401)
      expect((await wrong(a, 3)).status).toBe(401)
      const refused = await wrong(b, 4)
      expect(refused.status).toBe(429)
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0)
      expect(await redis.keys(`${PREFIX}authfail:*`)).not.toEqual([])
    } finally {
      for (const r of replicas) await r.airlock.close()
    }
  })

  it('refuses a limits.redis that is not a Redis URL, saying what one looks like', async () => {
    const file = await configFile('limits: { redis: "http://127.0.0.1:6379" }')
    await expect(loadConfig(file)).rejects.toThrow(
      /limits\.redis: expected a Redis URL such as redis:\/\/127\.0\.0\.1:6379/,
    )
  })

  it('answers 503 LIMITS_UNAVAILABLE with Retry-After while Redis cannot be reached', async () => {
    const dead = new Redis({
      host: '127.0.0.1',
      port: 1,
      maxRetriesPerRequest: 0,
      lazyConnect: true,
      retryStrategy: () => null,
    })
    dead.on('error', () => {})
    const app = createHttpApp(createAirlock({ actions: [] }), {
      auth: apiKeyAuth({ keys: [{ id: 'k', sha256: hashApiKey(GOOD), actor_id: 'agent' }] }),
      auth_throttle: { backend: redisLimits({ client: dead }) },
    })
    const res = await app.request('/actions', { headers: { authorization: `Bearer ${GOOD}` } })
    expect(res.status).toBe(503)
    expect(res.headers.get('retry-after')).toBe('1')
    expect(await res.json()).toMatchObject({ code: 'LIMITS_UNAVAILABLE' })
    // Health stays answerable: it is served before authentication.
    expect((await app.request('/health')).status).toBe(200)
    dead.disconnect()
  })
})
