// needs-services: redis
import { randomBytes } from 'node:crypto'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Redis } from 'ioredis'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { TEST_REDIS_URL, testRedisOptions } from '../../test/helpers/test-redis.js'
import { AirlockError } from '../errors/airlock-error.js'
import { ConfigError } from '../errors/config-error.js'
import { hashApiKey } from '../identity/auth/generate-api-key.js'
import type { Principal } from '../identity/principal.js'
import { createAirlockFromConfig } from './create-airlock-from-config.js'
import { loadConfig } from './load-config.js'

const fixtures = fileURLToPath(new URL('./test-fixtures/', import.meta.url))
const run = `airlock-config-test:${randomBytes(4).toString('hex')}:`
// No skip when Redis is down: a missing backend must never pass for a working one.
const redis = new Redis({ ...testRedisOptions(), lazyConnect: true, maxRetriesPerRequest: 1 })
let dir: string

const agent: Principal = {
  actor_id: 'agent-1',
  roles: ['agent'],
  groups: [],
  scopes: [],
  tenant_id: 'default',
  delegation_chain: [],
  auth: 'api_key',
}

beforeAll(async () => {
  await redis.connect()
})
afterAll(async () => {
  let cursor = '0'
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${run}*`, 'COUNT', 1000)
    if (keys.length > 0) await redis.del(...keys)
    cursor = next
  } while (cursor !== '0')
  redis.disconnect()
})

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'airlock-limits-config-'))
  await mkdir(join(dir, 'policies'))
  await writeFile(
    join(dir, 'policies', 'allow.yaml'),
    `rules:
  - name: agents-echo
    match: { actions: [echo], callers: { roles: [agent] } }
    decision: allow
    reason: Echo is harmless
`,
  )
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function project(limits: string): Promise<string> {
  const file = join(dir, 'airlock.config.yaml')
  await writeFile(
    file,
    `store: memory
modules: [${join(fixtures, 'ops-actions.mjs')}]
policies: [./policies]
auth:
  api_keys:
    - { id: agent, sha256: ${hashApiKey('ak_test')}, actor_id: agent-1, roles: [agent] }
limits:
${limits}`,
  )
  return file
}

async function rejection(promise: Promise<unknown>): Promise<AirlockError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  if (!AirlockError.isInstance(error)) throw new Error(`expected an AirlockError, got ${String(error)}`)
  return error
}

/** Connections the gateway opened, by the name it gives them. */
async function limitConnections(): Promise<number> {
  const list = (await redis.call('CLIENT', 'LIST')) as string
  return list.split('\n').filter((line) => line.includes('name=airlock-limits ')).length
}

describe('limits in the configuration', () => {
  it('rate-limits a caller in memory, and trips the circuit breaker after repeated denials', async () => {
    const file = await project(
      '  rate_limit: { max_requests: 3, window: 1m }\n  circuit_breaker: { threshold: 2, cooldown: 5m }\n',
    )
    const { airlock } = await createAirlockFromConfig(await loadConfig(file))
    try {
      for (let i = 0; i < 3; i++) {
        expect(await airlock.execute('echo', { message: 'x' }, { caller: agent })).toMatchObject({
          status: 'executed',
        })
      }
      expect(await airlock.execute('echo', { message: 'x' }, { caller: agent })).toMatchObject({
        status: 'denied',
        code: 'RATE_LIMITED',
        reason: "Rate limit exceeded for caller 'agent-1': 3 requests per 60s window.",
      })
      const other = { ...agent, actor_id: 'agent-2' }
      for (let i = 0; i < 2; i++) await airlock.execute('shout', { message: 'x' }, { caller: other })
      const paused = await airlock.execute('echo', { message: 'x' }, { caller: other })
      expect(paused).toMatchObject({ status: 'denied', code: 'RATE_LIMITED' })
      expect((paused as { reason: string }).reason).toMatch(/^Circuit breaker open for caller 'agent-2'/)
    } finally {
      await airlock.close()
    }
  })

  it('escalates by cumulative risk with the configured scores', async () => {
    const file = await project(
      '  cumulative_risk: { window: 1h, risk_scores: { low: 10 }, escalation_threshold: 20, deny_threshold: 40 }\n',
    )
    const { airlock } = await createAirlockFromConfig(await loadConfig(file))
    try {
      expect((await airlock.check('echo', { message: 'x' }, { caller: agent })).decision).toBe('allow')
      expect((await airlock.check('echo', { message: 'x' }, { caller: agent })).decision).toBe(
        'require_approval',
      )
      expect((await airlock.check('echo', { message: 'x' }, { caller: agent })).decision).toBe(
        'require_approval',
      )
      expect(await airlock.check('echo', { message: 'x' }, { caller: agent })).toMatchObject({
        decision: 'deny',
        reason: expect.stringMatching(/^Cumulative risk threshold exceeded \(40 >= 40\)/),
      })
    } finally {
      await airlock.close()
    }
  })

  it('names the file, line and key of each malformed setting', async () => {
    const file = await project(
      [
        '  rate_limit: { max_requests: 0, window: 60 }',
        '  circuit_breaker: { treshold: 3 }',
        '  cumulative_risk: { escalation_threshold: 80, deny_threshold: 75, risk_scores: { severe: 9 } }',
        '  redis: http://127.0.0.1:6379',
        '',
      ].join('\n'),
    )
    const error = (await rejection(loadConfig(file))) as ConfigError
    expect(error).toBeInstanceOf(ConfigError)
    const byField = Object.fromEntries(error.issues.map((i) => [i.field, i]))
    expect(byField['limits.rate_limit.max_requests']).toMatchObject({
      file,
      line: 8,
      message: expect.stringMatching(/at least 1/),
    })
    expect(byField['limits.rate_limit.window']?.message).toMatch(/expected a duration such as/)
    expect(byField['limits.circuit_breaker.treshold']?.message).toBe(
      "unknown key 'treshold' (did you mean 'threshold'?)",
    )
    expect(byField['limits.cumulative_risk.risk_scores.severe']?.message).toBe(
      "unknown key 'severe'; allowed here: low, medium, high, critical",
    )
    expect(byField['limits.redis']?.message).toMatch(/expected a Redis URL such as redis:\/\//)
  })

  it('refuses an escalation threshold at or above the deny threshold', async () => {
    const file = await project('  cumulative_risk: { escalation_threshold: 75, deny_threshold: 75 }\n')
    const error = (await rejection(loadConfig(file))) as ConfigError
    expect(error.issues).toEqual([
      expect.objectContaining({
        file,
        line: 8,
        field: 'limits.cumulative_risk.escalation_threshold',
        message: expect.stringMatching(/escalation_threshold \(75\) below deny_threshold \(75\)/),
      }),
    ])
  })

  it('refuses a per-action limit for an action that does not exist', async () => {
    const file = await project(
      '  action_rate_limits: { ecko: { max_requests: 1, window: 1m }, "*": { max_requests: 9, window: 1m } }\n',
    )
    const error = (await rejection(createAirlockFromConfig(await loadConfig(file)))) as ConfigError
    expect(error).toBeInstanceOf(ConfigError)
    expect(error.issues).toEqual([
      expect.objectContaining({
        field: 'limits.action_rate_limits.ecko',
        message: expect.stringMatching(/got 'ecko'/),
      }),
    ])
  })

  it('stops the start with a clear error when Redis cannot be reached, without showing its password', async () => {
    const file = await project(
      '  redis: redis://user:hunter2@127.0.0.1:1/0\n  rate_limit: { max_requests: 1, window: 1m }\n',
    )
    const error = await rejection(createAirlockFromConfig(await loadConfig(file)))
    expect(error.code).toBe('STORE_ERROR')
    expect(error.message).toMatch(
      new RegExp(
        `^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: limits\\.redis: cannot reach Redis at redis://127\\.0\\.0\\.1:1/0: .*ECONNREFUSED`,
      ),
    )
    expect(error.message).not.toContain('hunter2')
  })

  it('shares one limit across gateways through Redis, and closing the gateway closes its connection', async () => {
    const prefix = `${run}shared:`
    const file = await project(
      `  redis: ${TEST_REDIS_URL}\n  redis_prefix: "${prefix}"\n  rate_limit: { max_requests: 4, window: 1m }\n`,
    )
    const before = await limitConnections()
    const one = await createAirlockFromConfig(await loadConfig(file))
    const two = await createAirlockFromConfig(await loadConfig(file))
    expect(await limitConnections()).toBe(before + 2)
    try {
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          (i % 2 === 0 ? one : two).airlock.check('echo', { message: 'x' }, { caller: agent }),
        ),
      )
      expect(results.filter((r) => r.decision === 'allow')).toHaveLength(4)
      expect(results.filter((r) => r.decision === 'deny').every((r) => r.retry_after_s !== undefined)).toBe(
        true,
      )
      expect((await redis.keys(`${prefix}*`)).length).toBeGreaterThan(0)
    } finally {
      await one.airlock.close()
      await two.airlock.close()
    }
    expect(await limitConnections()).toBe(before)
  })
})
