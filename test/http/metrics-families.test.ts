// needs-services: postgres, redis
/**
 * The `/metrics` families that only move on rarer paths: approval decision
 * latency, idempotency conflicts, commit latency, limit and breaker trips,
 * and store and Redis errors from dependencies that really fail.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAirlockFromConfig } from '../../src/config/create-airlock-from-config.js'
import { loadConfig } from '../../src/config/load-config.js'
import { createHttpApp } from '../../src/http/create-http-app.js'
import { hashApiKey } from '../../src/identity/auth/generate-api-key.js'
import { parsePrometheusText, sampleValue } from '../helpers/prometheus-text.js'
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js'
import { TEST_REDIS_URL } from '../helpers/test-redis.js'

const fixtures = fileURLToPath(new URL('../../src/config/test-fixtures/', import.meta.url))
const TOKEN = 'scrape-token-0123456789'
/** Nothing listens on port 1, so connections are refused at once. */
const DEAD_PG = 'postgres://root@127.0.0.1:1/test'
let dir: string
let proxy: TcpProxy | undefined
const opened: Awaited<ReturnType<typeof createAirlockFromConfig>>[] = []

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'airlock-metrics-families-'))
  await mkdir(join(dir, 'policies'))
  await writeFile(
    join(dir, 'policies', 'p.yaml'),
    `rules:
  - { name: echo-ok, match: { actions: [echo] }, decision: allow, reason: harmless }
  - { name: no-shout, match: { actions: [shout] }, decision: deny, reason: too loud }
`,
  )
})
afterAll(async () => {
  for (const g of opened) await g.airlock.close().catch(() => undefined)
  await proxy?.close()
  await rm(dir, { recursive: true, force: true })
})

async function gateway(name: string, extra: string, options: { store?: string; migrate?: boolean } = {}) {
  const path = join(dir, `${name}.yaml`)
  await writeFile(
    path,
    `store: memory
modules: [${join(fixtures, 'ops-actions.mjs')}]
policies: [./policies]
auth:
  api_keys:
    - { id: a1, sha256: ${hashApiKey('ak_one')}, actor_id: agent-1, roles: [agent] }
    - { id: a2, sha256: ${hashApiKey('ak_two')}, actor_id: agent-2, roles: [agent] }
    - { id: boss, sha256: ${hashApiKey('ak_boss')}, actor_id: boss-1, roles: [approver] }
dashboard: { enabled: false }
metrics: { token: ${TOKEN} }
${extra}
`,
  )
  const configured = await createAirlockFromConfig(await loadConfig(path), options)
  opened.push(configured)
  const { httpOptions } = configured
  const app = createHttpApp(configured.airlock, {
    auth: httpOptions.auth,
    mount: httpOptions.mount,
    ...(httpOptions.metrics ? { metrics: httpOptions.metrics } : {}),
  })
  const call = (action: string, key: string, inputs: unknown = { message: 'hi' }, headers = {}) =>
    app.request(`/actions/${action}/execute`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ inputs }),
    })
  const scrape = async () => {
    const res = await app.request('/metrics', { headers: { authorization: `Bearer ${TOKEN}` } })
    expect(res.status).toBe(200)
    const samples = parsePrometheusText(await res.text())
    return (metric: string, labels: Record<string, string> = {}) => sampleValue(samples, metric, labels)
  }
  return { app, call, scrape }
}

describe('GET /metrics on rarer paths', () => {
  it('counts idempotency conflicts and times commits', async () => {
    const g = await gateway('keys', '')
    const key = { 'idempotency-key': 'k-conflict' }
    expect((await g.call('echo', 'ak_one', { message: 'a' }, key)).status).toBe(200)
    const reused = await g.call('echo', 'ak_one', { message: 'b' }, key)
    expect(reused.status).toBe(422)
    const m = await g.scrape()
    expect(m('airlock_idempotency_conflicts_total', { code: 'IDEMPOTENCY_KEY_REUSED' })).toBe(1)
    expect(m('airlock_audit_commit_seconds_count')).toBeGreaterThan(0)
    expect(m('airlock_audit_commit_seconds_sum')).toBeGreaterThanOrEqual(0)
  })

  it('counts rate-limit and circuit-breaker trips by kind', async () => {
    const g = await gateway(
      'limits',
      `limits:
  action_rate_limits: { echo: { max_requests: 2, window: 60s } }
  circuit_breaker: { threshold: 2, window: 60s, cooldown: 5m }`,
    )
    for (let i = 0; i < 2; i++) expect((await g.call('echo', 'ak_one')).status).toBe(200)
    expect((await g.call('echo', 'ak_one')).status).toBe(429)
    for (let i = 0; i < 2; i++) expect((await g.call('shout', 'ak_two')).status).toBe(403)
    expect((await g.call('shout', 'ak_two')).status).toBe(429)
    const m = await g.scrape()
    expect(m('airlock_limit_trips_total', { kind: 'rate_limit' })).toBe(1)
    expect(m('airlock_limit_trips_total', { kind: 'circuit_breaker' })).toBe(1)
  })

  it('counts store errors when the database refuses connections', async () => {
    const db = await gateway('dead-pg', 'seal: { key_file: ./seal.key }', { store: DEAD_PG, migrate: false })
    expect((await db.call('echo', 'ak_one')).status).toBe(503)
    const m = await db.scrape()
    expect(m('airlock_dependency_errors_total', { dependency: 'store' })).toBe(1)
    expect(m('airlock_errors_total', { code: 'STORE_UNAVAILABLE' })).toBe(1)
    // Whichever store operation met the outage first is counted under its name.
    const text = await (
      await db.app.request('/metrics', { headers: { authorization: `Bearer ${TOKEN}` } })
    ).text()
    const failed = [...text.matchAll(/^airlock_store_errors_total\{operation="([a-z_.A-Z]+)"\} (\d+)/gm)]
    expect(failed.length).toBeGreaterThan(0)
    expect(failed.every(([, , n]) => Number(n) >= 1)).toBe(true)
  })

  it('counts Redis errors when Redis is cut after start', async () => {
    // Redis is reachable at start (the gateway checks), then cut.
    const target = new URL(TEST_REDIS_URL)
    proxy = await startTcpProxy(target.hostname, Number(target.port || 6379))
    const prefix = `airlock-metrics-${process.pid}-${Date.now()}:`
    const redis = await gateway(
      'cut-redis',
      `limits: { redis: 'redis://127.0.0.1:${proxy.port}${target.pathname}', redis_prefix: '${prefix}', rate_limit: { max_requests: 50, window: 60s } }`,
    )
    expect((await redis.call('echo', 'ak_one')).status).toBe(200)
    proxy.cut()
    // At once: a command sent as the connection drops must not wait for a Redis that never returns.
    expect((await redis.call('echo', 'ak_one')).status).toBe(503)
    const r = await redis.scrape()
    expect(r('airlock_dependency_errors_total', { dependency: 'redis' })).toBe(1)
  })
})
