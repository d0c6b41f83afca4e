/**
 * `GET /metrics` of a gateway built from a configuration file: scraped and
 * parsed strictly, its values follow the traffic, and it needs the scrape
 * token or a metrics role.
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

const fixtures = fileURLToPath(new URL('../../src/config/test-fixtures/', import.meta.url))
const TOKEN = 'scrape-token-0123456789'
let dir: string
let configured: Awaited<ReturnType<typeof createAirlockFromConfig>>
let app: ReturnType<typeof createHttpApp>

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'airlock-metrics-'))
  await mkdir(join(dir, 'policies'))
  await writeFile(
    join(dir, 'policies', 'p.yaml'),
    `rules:
  - { name: echo-ok, match: { actions: [echo] }, decision: allow, reason: harmless }
  - { name: no-shout, match: { actions: [shout] }, decision: deny, reason: too loud }
`,
  )
  await writeFile(
    join(dir, 'airlock.config.yaml'),
    `store: memory
modules: [${join(fixtures, 'ops-actions.mjs')}]
policies: [./policies]
auth:
  api_keys:
    - { id: agent, sha256: ${hashApiKey('ak_agent')}, actor_id: agent-1, roles: [agent] }
    - { id: ops, sha256: ${hashApiKey('ak_ops')}, actor_id: ops-1, roles: [monitoring] }
dashboard: { enabled: false }
metrics: { token: ${TOKEN}, roles: [monitoring] }
`,
  )
  configured = await createAirlockFromConfig(await loadConfig(join(dir, 'airlock.config.yaml')))
  const { httpOptions } = configured
  app = createHttpApp(configured.airlock, {
    auth: httpOptions.auth,
    mount: httpOptions.mount,
    ...(httpOptions.metrics ? { metrics: httpOptions.metrics } : {}),
  })
})
afterAll(async () => {
  await configured.airlock.close()
  await rm(dir, { recursive: true, force: true })
})

const scrape = async (authorization = `Bearer ${TOKEN}`) =>
  app.request('/metrics', { headers: { authorization } })
const call = (action: string, key: string, extra: Record<string, string> = {}) =>
  app.request(`/actions/${action}/execute`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...extra },
    body: JSON.stringify({ inputs: { message: 'hi' } }),
  })

describe('GET /metrics', () => {
  it('needs the scrape token or a metrics role', async () => {
    expect((await scrape('')).status).toBe(401)
    expect((await scrape('Bearer not-the-token-at-all')).status).toBe(401)
    expect((await scrape('Bearer ak_agent')).status).toBe(401)
    expect((await scrape('Bearer ak_ops')).status).toBe(200)
    const ok = await scrape()
    expect(ok.status).toBe(200)
    expect(ok.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/)
  })

  it('parses strictly, and counts requests, decisions, replays and commits as traffic arrives', async () => {
    const before = parsePrometheusText(await (await scrape()).text())
    expect((await call('echo', 'ak_agent')).status).toBe(200)
    expect((await call('shout', 'ak_agent')).status).toBe(403)
    const key = { 'idempotency-key': 'k-1' }
    expect((await call('echo', 'ak_agent', key)).status).toBe(200)
    expect((await call('echo', 'ak_agent', key)).status).toBe(200)
    const after = parsePrometheusText(await (await scrape()).text())
    const delta = (name: string, labels: Record<string, string> = {}) =>
      sampleValue(after, name, labels) - sampleValue(before, name, labels)
    expect(
      delta('airlock_http_requests_total', {
        route: '/actions/:name/execute',
        method: 'POST',
        status: '200',
      }),
    ).toBe(3)
    expect(delta('airlock_decisions_total', { result: 'allow', action: 'echo', rule: 'echo-ok' })).toBe(2)
    expect(delta('airlock_decisions_total', { result: 'deny', action: 'shout', rule: 'no-shout' })).toBe(1)
    expect(delta('airlock_idempotency_replays_total')).toBe(1)
    expect(delta('airlock_audit_commit_batch_size_count')).toBeGreaterThan(0)
    expect(delta('airlock_audit_events_total', { status: 'executed' })).toBe(2)
    // Nothing a caller sent appears in a label.
    expect(
      after.some((s) => Object.values(s.labels).some((v) => v.includes('hi') || v.includes('agent-1'))),
    ).toBe(false)
  })
})
