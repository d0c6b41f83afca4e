/**
 * The kill switch through the HTTP API on a SQLite store: a freeze denies
 * matching requests with its reason, blocks approving held requests it
 * covers, is admin only, audited both ways, and survives a restart.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  ADMIN_KEY,
  AGENT_KEY,
  OTHER_AGENT_KEY,
  type PolicyProject,
  policyProject,
  projectGateway,
} from './policy-project.js'

const SHOUT_HELD = `rules:
  - name: shouting-needs-approval
    priority: 200
    match: { actions: [shout] }
    decision: require_approval
    reason: Shouting needs a look
  - name: agents-echo
    match: { actions: [echo], callers: { roles: [agent] } }
    decision: allow
    reason: Echo is harmless
`

let project: PolicyProject
let gateway: Awaited<ReturnType<typeof projectGateway>>

beforeEach(async () => {
  project = await policyProject({
    store: 'sqlite:./.airlock/airlock.db',
    extra: 'seal: { key_file: ./.airlock/seal.key }\n',
    policy: SHOUT_HELD,
  })
  gateway = await projectGateway(project)
})
afterEach(async () => {
  await gateway.airlock.close()
  await project.remove()
})

const echo = (key: string) =>
  gateway.call('POST', '/actions/echo/execute', key, { inputs: { message: 'hi' } })

describe('kill switch', () => {
  it('denies what a freeze covers with its reason, until lifted, and audits who did both', async () => {
    const frozen = await gateway.call('POST', '/freeze', ADMIN_KEY, {
      agent: 'agent-1',
      reason: 'agent-1 loops',
    })
    expect(frozen.status).toBe(201)
    expect(frozen.body).toMatchObject({ scope: { kind: 'agent', value: 'agent-1' }, created_by: 'root' })

    const denied = await echo(AGENT_KEY)
    expect(denied).toMatchObject({ status: 403, body: { status: 'denied', code: 'FROZEN' } })
    expect(denied.body.reason).toBe('Frozen: agent-1 loops')
    expect((await echo(OTHER_AGENT_KEY)).status).toBe(200)
    const check = await gateway.call('POST', '/check', AGENT_KEY, {
      action: 'echo',
      inputs: { message: 'x' },
    })
    expect(check.body).toMatchObject({ decision: 'deny', reason: 'Frozen: agent-1 loops' })

    const listed = await gateway.call('GET', '/freeze', ADMIN_KEY)
    expect(listed.body.freezes).toEqual([frozen.body])
    const lifted = await gateway.call('POST', '/unfreeze', ADMIN_KEY, { id: frozen.body.id })
    expect(lifted).toMatchObject({ status: 200, body: { lifted_by: 'root' } })
    expect((await echo(AGENT_KEY)).status).toBe(200)
    const again = await gateway.call('POST', '/unfreeze', ADMIN_KEY, { id: frozen.body.id })
    expect(again).toMatchObject({ status: 404, body: { code: 'FREEZE_NOT_FOUND' } })

    const events = (await gateway.airlock.audit.list({ action: 'airlock.freeze' }, 10)).items
    expect(events.map((e) => [e.status, e.actor])).toEqual([
      ['unfrozen', 'root'],
      ['frozen', 'root'],
    ])
  })

  it('is for admins only and needs one scope and a reason', async () => {
    const refused = await gateway.call('POST', '/freeze', AGENT_KEY, { all: true, reason: 'no' })
    expect(refused).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } })
    const two = await gateway.call('POST', '/freeze', ADMIN_KEY, { all: true, agent: 'x', reason: 'why' })
    expect(two).toMatchObject({ status: 400, body: { code: 'BAD_REQUEST' } })
    const none = await gateway.call('POST', '/freeze', ADMIN_KEY, { all: true })
    expect(none).toMatchObject({ status: 400 })
    expect((await echo(AGENT_KEY)).status).toBe(200)
  })

  it('blocks approving a held request it covers until lifted', async () => {
    const held = await gateway.call('POST', '/actions/shout/execute', AGENT_KEY, {
      inputs: { message: 'hey' },
    })
    expect(held.status).toBe(202)
    const id = String(held.body.approval_id)
    const frozen = await gateway.call('POST', '/freeze', ADMIN_KEY, {
      action: 'shout',
      reason: 'incident 42',
    })
    const blocked = await gateway.call('POST', `/approvals/${id}/approve`, ADMIN_KEY, {})
    expect(blocked).toMatchObject({ status: 409, body: { code: 'APPROVAL_FROZEN' } })
    expect(String(blocked.body.detail)).toContain('incident 42')
    await gateway.call('POST', '/unfreeze', ADMIN_KEY, { id: frozen.body.id })
    const approved = await gateway.call('POST', `/approvals/${id}/approve`, ADMIN_KEY, {})
    expect(approved).toMatchObject({ status: 200, body: { status: 'executed', result: { message: 'HEY' } } })
  })

  it('survives a restart', async () => {
    await gateway.call('POST', '/freeze', ADMIN_KEY, { all: true, reason: 'maintenance' })
    await gateway.airlock.close()
    gateway = await projectGateway(project)
    const denied = await echo(OTHER_AGENT_KEY)
    expect(denied).toMatchObject({ status: 403, body: { code: 'FROZEN', reason: 'Frozen: maintenance' } })
  })
})
