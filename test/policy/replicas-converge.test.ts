// needs-services: postgres
/**
 * Two gateways on one PostgreSQL schema, each with its own connection pool
 * as separate replicas have: a reload on one is announced and the other
 * reloads from its files; a freeze on one stops requests on the other
 * within a second. Both travel over the store's change feed: polling (the
 * fallback) is set far slower than what the tests allow.
 */
import { randomBytes } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import pg from 'pg'
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startPolicyTriggers } from '../../src/server/policy-triggers.js'
import {
  ADMIN_KEY,
  AGENT_KEY,
  DENY_SHOUT,
  type PolicyProject,
  policyProject,
  projectGateway,
} from './policy-project.js'

const POSTGRES = process.env.AIRLOCK_TEST_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/test'
const schema = `airlock_pol_${randomBytes(4).toString('hex')}`
const pool = new pg.Pool({ connectionString: POSTGRES, max: 2 })
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined }

let project: PolicyProject
let a: Awaited<ReturnType<typeof projectGateway>>
let b: Awaited<ReturnType<typeof projectGateway>>
let stopTriggers: () => void

beforeEach(async () => {
  const store = new URL(POSTGRES)
  store.searchParams.set('schema', schema)
  project = await policyProject({
    store: store.toString(),
    extra: `seal: { keys: { k1: ${randomBytes(32).toString('base64')} }, current: k1 }\n`,
  })
  a = await projectGateway(project)
  b = await projectGateway(project)
  stopTriggers = startPolicyTriggers({
    reload: b.reload,
    logger: quiet,
    signal: false,
    announcements: {
      store: b.airlock.store.policy_head!,
      feed: b.airlock.store.changes,
      interval_ms: 60_000,
      current: () => b.airlock.policy.current().hash,
    },
  })
})
afterEach(async () => {
  stopTriggers()
  await a.airlock.close()
  await b.airlock.close()
  await project.remove()
})
afterAll(async () => {
  await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
  await pool.end()
})

async function within(ms: number, fn: () => Promise<boolean>): Promise<number> {
  const start = Date.now()
  while (!(await fn())) {
    if (Date.now() - start > ms) throw new Error(`not within ${ms} ms`)
    await sleep(20)
  }
  return Date.now() - start
}

describe('replicas on one PostgreSQL', () => {
  it('converge on a reload announced by one of them', async () => {
    await project.writePolicy(DENY_SHOUT)
    const reloaded = await a.call('POST', '/policy/reload', ADMIN_KEY)
    expect(reloaded.status).toBe(200)
    const version = a.airlock.policy.current().version
    // Polling alone would take a minute here: the announcement arrived over the feed.
    await within(3_000, async () => b.airlock.policy.current().version === version)
    // Both swaps are audited in the shared chain: A's by its admin, B's as following the announcement.
    await within(3_000, async () => {
      const loaded = (await b.airlock.audit.list({ status: 'policy_loaded' }, 10)).items
      return (
        loaded
          .map((e) => e.context?.via)
          .sort()
          .join() === 'announcement,http'
      )
    })
  })

  it('deny on the other replica within a second of a freeze', async () => {
    const echo = () => b.call('POST', '/actions/echo/execute', AGENT_KEY, { inputs: { message: 'x' } })
    expect((await echo()).status).toBe(200)
    await within(3_000, async () => b.airlock.store.changes?.live === true)
    const frozen = await a.call('POST', '/freeze', ADMIN_KEY, { all: true, reason: 'incident' })
    expect(frozen.status).toBe(201)
    await within(1_000, async () => (await echo()).status === 403)
    await a.call('POST', '/unfreeze', ADMIN_KEY, { id: frozen.body.id })
    await within(1_000, async () => (await echo()).status === 200)
  })
})
