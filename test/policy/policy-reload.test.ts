/**
 * Versioned policy and hot reload through the HTTP API: what is loaded,
 * reloading under load (no request fails, each request's events name one
 * version), a bad set keeping the old one, and admin-only reloads.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { AuditEvent } from '../../src/audit/audit-event.js'
import {
  ADMIN_KEY,
  AGENT_KEY,
  DENY_SHOUT,
  type PolicyProject,
  policyProject,
  projectGateway,
} from './policy-project.js'

let project: PolicyProject
let gateway: Awaited<ReturnType<typeof projectGateway>>

beforeEach(async () => {
  project = await policyProject({ extra: 'policy: { label: first }\n' })
  gateway = await projectGateway(project)
})
afterEach(async () => {
  await gateway.airlock.close()
  await project.remove()
})

async function allEvents(): Promise<AuditEvent[]> {
  const page = await gateway.airlock.audit.list({}, 1000)
  return [...page.items]
}

describe('versioned policy', () => {
  it('names the loaded set by content hash and label, with its files, on /policy and /ready', async () => {
    const got = await gateway.call('GET', '/policy', AGENT_KEY)
    expect(got.status).toBe(200)
    const policy = got.body.policy as Record<string, unknown>
    expect(policy).toMatchObject({
      label: 'first',
      files: ['policies/rules.yaml', expect.stringMatching(/ops-actions\.mjs$/)],
      rules: 1,
      actions: 2,
      default_decision: 'deny',
    })
    expect(policy.version).toMatch(/^sha256:[0-9a-f]{16}$/)
    expect(String(policy.hash).startsWith(String(policy.version).slice(7))).toBe(true)
    expect(got.body.shadow).toBeNull()
    const ready = await gateway.app.request('/ready')
    expect(await ready.json()).toMatchObject({ policy: { version: policy.version, label: 'first' } })
  })

  it('records the deciding version in every request event', async () => {
    const version = gateway.airlock.policy.current().version
    await gateway.call('POST', '/actions/echo/execute', AGENT_KEY, { inputs: { message: 'hi' } })
    const events = await allEvents()
    expect(events.length).toBeGreaterThan(0)
    for (const event of events) expect(event.context?.policy_version).toBe(version)
  })
})

describe('hot reload', () => {
  it('swaps under load: no request fails and each request names exactly one version', async () => {
    const before = gateway.airlock.policy.current().version
    let stop = false
    const statuses: number[] = []
    const load = async () => {
      for (let i = 0; !stop; i++) {
        const action = i % 2 === 0 ? 'echo' : 'shout'
        const r = await gateway.call('POST', `/actions/${action}/execute`, AGENT_KEY, {
          inputs: { message: `m${i}` },
        })
        statuses.push(r.status)
      }
    }
    const workers = Array.from({ length: 6 }, load)
    await new Promise((r) => setTimeout(r, 50))
    await project.writePolicy(DENY_SHOUT)
    const reloaded = await gateway.call('POST', '/policy/reload', ADMIN_KEY)
    expect(reloaded.status).toBe(200)
    expect(reloaded.body.changed).toBe(true)
    await new Promise((r) => setTimeout(r, 50))
    stop = true
    await Promise.all(workers)

    const after = gateway.airlock.policy.current().version
    expect(after).not.toBe(before)
    // Before the swap shout runs (200); after, the new rule denies it (403). Nothing else.
    expect(new Set(statuses)).toEqual(new Set([200, 403]))
    const byRequest = new Map<string, Set<unknown>>()
    for (const event of await allEvents()) {
      if (event.action === 'airlock.policy') continue
      const versions = byRequest.get(event.request_id) ?? new Set()
      versions.add(event.context?.policy_version)
      byRequest.set(event.request_id, versions)
    }
    expect(byRequest.size).toBe(statuses.length)
    for (const versions of byRequest.values()) {
      expect(versions.size).toBe(1)
      expect([before, after]).toContain([...versions][0])
    }
    const denied = (await allEvents()).filter((e) => e.status === 'denied')
    for (const event of denied) expect(event.context?.policy_version).toBe(after)
    const loaded = (await allEvents()).filter((e) => e.status === 'policy_loaded')
    expect(loaded).toHaveLength(1)
    expect(loaded[0]).toMatchObject({ actor: 'root', context: { via: 'http', previous_version: before } })
  })

  it('keeps the old set when the new files have problems, says which, and audits the refusal', async () => {
    const before = gateway.airlock.policy.current().version
    await project.writePolicy('rules:\n  - name: broken\n    decision: perhaps\n')
    const refused = await gateway.call('POST', '/policy/reload', ADMIN_KEY)
    expect(refused.status).toBe(422)
    expect(refused.body).toMatchObject({ code: 'POLICY_RELOAD_REJECTED', policy: { version: before } })
    const issues = refused.body.issues as { file: string; message: string }[]
    expect(issues.length).toBeGreaterThan(0)
    expect(issues[0]?.file).toMatch(/rules\.yaml$/)
    expect(gateway.airlock.policy.current().version).toBe(before)
    const echo = await gateway.call('POST', '/actions/shout/execute', AGENT_KEY, { inputs: { message: 'x' } })
    expect(echo.status).toBe(200)
    const rejected = (await allEvents()).filter((e) => e.status === 'policy_rejected')
    expect(rejected).toHaveLength(1)
    expect(rejected[0]?.context).toMatchObject({ via: 'http', policy_version: before })
  })

  it('lets only admins reload, and does not swap a set whose files are unchanged', async () => {
    const denied = await gateway.call('POST', '/policy/reload', AGENT_KEY)
    expect(denied).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } })
    const same = await gateway.call('POST', '/policy/reload', ADMIN_KEY)
    expect(same).toMatchObject({ status: 200, body: { changed: false } })
    expect((await allEvents()).filter((e) => e.status === 'policy_loaded')).toHaveLength(0)
  })
})
