/**
 * Shadow mode on a scripted traffic mix: the enforced set decides, the
 * candidate's differing decisions land in the audit events, and the report
 * counts every transition exactly, by rule, action and caller.
 */
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
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
  - name: second-agent-echo-held
    priority: 150
    match: { actions: [echo], callers: { agent_ids: [agent-2] } }
    decision: require_approval
    reason: agent-2 echoes need a look
  - name: agents-echo
    match: { actions: [echo, shout], callers: { roles: [agent] } }
    decision: allow
    reason: Echo is harmless
`

let project: PolicyProject
let gateway: Awaited<ReturnType<typeof projectGateway>>

beforeEach(async () => {
  project = await policyProject({ extra: 'policy: { shadow: ./candidate.yaml }\n' })
  await writeFile(join(project.dir, 'candidate.yaml'), CANDIDATE)
  gateway = await projectGateway(project)
})
afterEach(async () => {
  await gateway.airlock.close()
  await project.remove()
})

describe('shadow mode', () => {
  it('counts exactly how the candidate would differ, by rule, action and caller', async () => {
    const send = (key: string, action: string, n: number) =>
      Promise.all(
        Array.from({ length: n }, (_, i) =>
          gateway.call('POST', `/actions/${action}/execute`, key, { inputs: { message: `m${i}` } }),
        ),
      )
    const results = [
      ...(await send(AGENT_KEY, 'echo', 7)),
      ...(await send(AGENT_KEY, 'shout', 5)),
      ...(await send(OTHER_AGENT_KEY, 'shout', 3)),
      ...(await send(OTHER_AGENT_KEY, 'echo', 2)),
    ]
    // The enforced set allows everything: the candidate changes nothing that happens.
    for (const r of results) expect(r.status).toBe(200)

    const got = await gateway.call('GET', '/policy/shadow/report', ADMIN_KEY)
    expect(got.status).toBe(200)
    const report = got.body
    expect(report).toMatchObject({
      enforced_version: gateway.airlock.policy.current().version,
      compared: 17,
      changed: 10,
      uncertain: 0,
    })
    const transitions = report.transitions as Record<string, unknown>[]
    expect(transitions.map((t) => [t.from, t.to, t.count])).toEqual([
      ['allow', 'deny', 8],
      ['allow', 'require_approval', 2],
    ])
    expect(transitions[0]).toMatchObject({
      by_rule: { 'no-shouting': 8 },
      by_action: { shout: 8 },
      by_caller: { 'agent-1': 5, 'agent-2': 3 },
    })
    expect(transitions[0]?.examples).toHaveLength(5)
    expect(transitions[1]).toMatchObject({
      by_rule: { 'second-agent-echo-held': 2 },
      by_action: { echo: 2 },
      by_caller: { 'agent-2': 2 },
    })

    // Each request's deciding event carries the candidate's verdict; 10 of them differ from what was enforced.
    const events = (await gateway.airlock.audit.list({ status: 'started' }, 100)).items
    expect(events).toHaveLength(17)
    for (const e of events) expect(e.context?.shadow).toMatchObject({ version: expect.any(String) })
    const shadowed = events.filter(
      (e) => (e.context?.shadow as { decision?: string } | undefined)?.decision !== e.decision,
    )
    expect(shadowed).toHaveLength(10)
    expect(shadowed.find((e) => e.action === 'shout')?.context?.shadow).toMatchObject({
      decision: 'deny',
      rule: 'no-shouting',
    })
  })

  it('shows the candidate on /policy and keeps the report for admins', async () => {
    const state = await gateway.call('GET', '/policy', AGENT_KEY)
    expect(state.body.shadow).toMatchObject({
      label: 'shadow',
      files: ['candidate.yaml', expect.any(String)],
    })
    const refused = await gateway.call('GET', '/policy/shadow/report', AGENT_KEY)
    expect(refused).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } })
  })

  it('answers 404 when no candidate runs', async () => {
    gateway.airlock.policy.setShadow(null)
    const got = await gateway.call('GET', '/policy/shadow/report', ADMIN_KEY)
    expect(got).toMatchObject({ status: 404, body: { code: 'SHADOW_NOT_RUNNING' } })
  })
})
