/**
 * `airlock_approvals_pending` is read from the store: gateways sharing one
 * store, and a gateway started after the approvals were held, report the
 * same non-negative figure.
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
let configPath: string
const opened: Awaited<ReturnType<typeof createAirlockFromConfig>>[] = []

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'airlock-metrics-pending-'))
  await mkdir(join(dir, 'policies'))
  await writeFile(
    join(dir, 'policies', 'p.yaml'),
    'rules:\n  - { name: hold-echo, match: { actions: [echo] }, decision: require_approval, reason: check }\n',
  )
  configPath = join(dir, 'airlock.config.yaml')
  await writeFile(
    configPath,
    `store: sqlite:${join(dir, 'airlock.db')}
modules: [${join(fixtures, 'ops-actions.mjs')}]
policies: [./policies]
auth:
  api_keys:
    - { id: agent, sha256: ${hashApiKey('ak_agent')}, actor_id: agent-1, roles: [agent] }
    - { id: boss, sha256: ${hashApiKey('ak_boss')}, actor_id: boss-1, roles: [approver] }
seal: { key_file: ./seal.key }
dashboard: { enabled: false }
metrics: { token: ${TOKEN} }
`,
  )
})
afterAll(async () => {
  for (const g of opened) await g.airlock.close()
  await rm(dir, { recursive: true, force: true })
})

/** A gateway on the shared store, as another replica or a restart would start. */
async function gateway() {
  const configured = await createAirlockFromConfig(await loadConfig(configPath))
  opened.push(configured)
  const { httpOptions } = configured
  return createHttpApp(configured.airlock, {
    auth: httpOptions.auth,
    mount: httpOptions.mount,
    ...(httpOptions.metrics ? { metrics: httpOptions.metrics } : {}),
  })
}
type App = Awaited<ReturnType<typeof gateway>>

const pending = async (app: App) => {
  const res = await app.request('/metrics', { headers: { authorization: `Bearer ${TOKEN}` } })
  return sampleValue(parsePrometheusText(await res.text()), 'airlock_approvals_pending', {})
}
const hold = async (app: App): Promise<string> => {
  const res = await app.request('/actions/echo/execute', {
    method: 'POST',
    headers: { authorization: 'Bearer ak_agent', 'content-type': 'application/json' },
    body: JSON.stringify({ inputs: { message: 'hi' } }),
  })
  expect(res.status).toBe(202)
  return String(((await res.json()) as { approval_id: string }).approval_id)
}

describe('airlock_approvals_pending', () => {
  it('is the store’s count, the same on every gateway and after a restart, never negative', async () => {
    const a = await gateway()
    const b = await gateway()
    const first = await hold(a)
    await hold(b)
    await hold(a)
    expect(await pending(a)).toBe(3)
    expect(await pending(b)).toBe(3)

    // Decided on B: a gateway started now (a restart of A) counts the store, not its own history.
    const decided = await b.request(`/approvals/${first}/reject`, {
      method: 'POST',
      headers: { authorization: 'Bearer ak_boss', 'content-type': 'application/json' },
      body: JSON.stringify({}),
    })
    expect(decided.status).toBe(200)
    const onB = parsePrometheusText(
      await (await b.request('/metrics', { headers: { authorization: `Bearer ${TOKEN}` } })).text(),
    )
    expect(sampleValue(onB, 'airlock_approval_decision_seconds_count', { result: 'rejected' })).toBe(1)
    const restarted = await gateway()
    expect(await pending(restarted)).toBe(2)
  })
})
