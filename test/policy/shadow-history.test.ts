// needs-services: postgres
/**
 * The shadow report of every replica: two gateways on one PostgreSQL
 * schema, each with its own pool and the same candidate, serve a scripted
 * traffic mix between them; the history report built from the shared
 * audit log counts every request once, whichever replica served it, while
 * each replica's own report counts only its share. `airlock policy shadow`
 * prints the same report from the store.
 */
import { randomBytes } from 'node:crypto'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import pg from 'pg'
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest'
import { captureCli } from '../helpers/capture-cli.js'
import {
  ADMIN_KEY,
  AGENT_KEY,
  OTHER_AGENT_KEY,
  type PolicyProject,
  policyProject,
  projectGateway,
} from './policy-project.js'

const CANDIDATE = `rules:
  - name: no-shouting
    priority: 200
    match: { actions: [shout] }
    decision: deny
    reason: No shouting
  - name: agents-echo
    match: { actions: [echo, shout], callers: { roles: [agent] } }
    decision: allow
    reason: Echo is harmless
`

const POSTGRES = process.env.AIRLOCK_TEST_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/test'
const schema = `airlock_shh_${randomBytes(4).toString('hex')}`
const pool = new pg.Pool({ connectionString: POSTGRES, max: 2 })

let project: PolicyProject
let a: Awaited<ReturnType<typeof projectGateway>>
let b: Awaited<ReturnType<typeof projectGateway>>

beforeEach(async () => {
  const store = new URL(POSTGRES)
  store.searchParams.set('schema', schema)
  project = await policyProject({
    store: store.toString(),
    extra: `policy: { shadow: ./candidate.yaml }
seal: { keys: { k1: ${randomBytes(32).toString('base64')} }, current: k1 }
`,
  })
  await writeFile(join(project.dir, 'candidate.yaml'), CANDIDATE)
  a = await projectGateway(project)
  b = await projectGateway(project)
})
afterEach(async () => {
  await a.airlock.close()
  await b.airlock.close()
  await project.remove()
})
afterAll(async () => {
  await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
  await pool.end()
})

type Gateway = typeof a
const send = (gateway: Gateway, key: string, action: string, n: number) =>
  Promise.all(
    Array.from({ length: n }, (_, i) =>
      gateway.call('POST', `/actions/${action}/execute`, key, { inputs: { message: `m${i}` } }),
    ),
  )

describe('the shadow history of every replica', () => {
  it('counts every request once, whichever replica served it', async () => {
    const since = new Date(Date.now() - 1_000).toISOString()
    const results = [
      ...(await send(a, AGENT_KEY, 'echo', 4)),
      ...(await send(a, AGENT_KEY, 'shout', 3)),
      ...(await send(b, OTHER_AGENT_KEY, 'shout', 2)),
      ...(await send(b, AGENT_KEY, 'echo', 1)),
    ]
    for (const r of results) expect(r.status).toBe(200)

    const history = await a.call('GET', `/policy/shadow/history?since=${since}`, ADMIN_KEY)
    expect(history.status).toBe(200)
    expect(history.body).toMatchObject({
      candidate_version: a.airlock.policy.shadow()?.version,
      enforced_version: a.airlock.policy.current().version,
      compared: 10,
      changed: 5,
      complete: true,
    })
    const transitions = history.body.transitions as Record<string, unknown>[]
    expect(transitions).toHaveLength(1)
    expect(transitions[0]).toMatchObject({
      from: 'allow',
      to: 'deny',
      count: 5,
      by_rule: { 'no-shouting': 5 },
      by_action: { shout: 5 },
      by_caller: { 'agent-1': 3, 'agent-2': 2 },
    })
    // The same history from the other replica; each replica's own report counts only what it served.
    const fromB = await b.call('GET', `/policy/shadow/history?since=${since}`, ADMIN_KEY)
    expect(fromB.body).toMatchObject({ compared: 10, changed: 5 })
    expect((await a.call('GET', '/policy/shadow/report', ADMIN_KEY)).body).toMatchObject({
      compared: 7,
      changed: 3,
    })
    expect((await b.call('GET', '/policy/shadow/report', ADMIN_KEY)).body).toMatchObject({
      compared: 3,
      changed: 2,
    })

    // The CLI reads the shared store directly: no gateway needed.
    const json = await captureCli(['policy', 'shadow', '--since', since, '--json'], project.dir)
    expect(json.code).toBe(0)
    expect(JSON.parse(json.stdout)).toMatchObject({ compared: 10, changed: 5, transitions: [{ count: 5 }] })
    const text = await captureCli(['policy', 'shadow', '--since', since], project.dir)
    expect(text.stdout).toContain('10 request(s) compared, 5 would change')
    expect(text.stdout).toContain('allow -> deny: 5')
  })

  it('is for admins, and says so precisely about a bad time', async () => {
    expect(await a.call('GET', '/policy/shadow/history', AGENT_KEY)).toMatchObject({
      status: 403,
      body: { code: 'FORBIDDEN' },
    })
    const bad = await a.call('GET', '/policy/shadow/history?since=yesterday', ADMIN_KEY)
    expect(bad.status).toBe(400)
    expect(JSON.stringify(bad.body)).toContain('since')
  })
})
