import { beforeEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { defineAction } from '../../src/actions/define-action.js'
import {
  approvalPageSchema,
  approvalSchema,
  approveDecidedSchema,
  approvePendingSchema,
  rejectedSchema,
} from '../../src/http/index.js'
import { anonymousAuth } from '../../src/identity/auth/index.js'
import { actions, apiKeys, call, KEYS, makeAirlock, makeApp, runs } from './fixtures.js'

type App = ReturnType<typeof makeApp>

async function hold(app: App, amount = 10, key: string = KEYS.alice): Promise<string> {
  const res = await call(app, 'POST', '/actions/issue_refund/execute', {
    key,
    body: { inputs: { invoice_id: 'inv_1', amount, card_number: '4111111111111111' } },
  })
  expect(res.status).toBe(202)
  return res.json.approval_id as string
}

describe('approvals', () => {
  let app: App
  beforeEach(() => {
    app = makeApp(makeAirlock())
  })

  it('lists pending approvals newest first with redacted inputs and no sealed inputs', async () => {
    const first = await hold(app, 1)
    const second = await hold(app, 2)
    const res = await call(app, 'GET', '/approvals?status=pending', { key: KEYS.carol })
    expect(res.status).toBe(200)
    const page = approvalPageSchema.parse(res.json)
    expect(page.items.map((a) => a.id)).toEqual([second, first])
    expect(JSON.stringify(res.json)).not.toContain('sealed_inputs')
    expect(JSON.stringify(res.json)).not.toContain('4111111111111111')
    expect(page.items[0]?.inputs).toMatchObject({ invoice_id: 'inv_1', amount: 2 })
  })

  it('pages with limit and next_cursor', async () => {
    const ids = [await hold(app, 1), await hold(app, 2), await hold(app, 3)]
    const one = await call(app, 'GET', '/approvals?limit=2', { key: KEYS.carol })
    expect(one.json.items).toHaveLength(2)
    const cursor = one.json.next_cursor as string
    expect(cursor).toEqual(expect.any(String))
    const two = await call(app, 'GET', `/approvals?limit=2&cursor=${encodeURIComponent(cursor)}`, {
      key: KEYS.carol,
    })
    expect((two.json.items as { id: string }[]).map((a) => a.id)).toEqual([ids[0]])
    expect(two.json.next_cursor).toBeNull()
  })

  it('shows one approval by id', async () => {
    const id = await hold(app)
    const res = await call(app, 'GET', `/approvals/${id}`, { key: KEYS.carol })
    expect(res.status).toBe(200)
    expect(approvalSchema.parse(res.json)).toMatchObject({
      id,
      status: 'pending',
      requester: 'alice',
      action: 'issue_refund',
    })
  })

  it('answers 404 for an unknown approval id', async () => {
    const res = await call(app, 'GET', `/approvals/apr-${'0'.repeat(24)}`, { key: KEYS.carol })
    expect(res.status).toBe(404)
    expect(res.json).toMatchObject({ code: 'APPROVAL_NOT_FOUND' })
  })

  it('runs the request with its original inputs once approved, and says so', async () => {
    const id = await hold(app, 7)
    const before = runs.issue_refund
    const res = await call(app, 'POST', `/approvals/${id}/approve`, {
      key: KEYS.carol,
      body: { comment: 'looks right' },
    })
    expect(res.status).toBe(200)
    const body = approveDecidedSchema.parse(res.json)
    expect(body).toMatchObject({
      status: 'executed',
      result: { refunded: 7, card_seen: '4111111111111111' },
      approval: { id, decided_by: 'carol', comment: 'looks right' },
    })
    expect(runs.issue_refund).toBe(before + 1)
    const after = await call(app, 'GET', `/approvals/${id}`, { key: KEYS.carol })
    expect(after.json.status).toBe('executed')
  })

  it('accepts an approval with no body at all', async () => {
    const id = await hold(app)
    const res = await app.request(`/approvals/${id}/approve`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEYS.carol}` },
    })
    expect(res.status).toBe(200)
  })

  it('rejects: 200 with the rejected approval, and the request never runs', async () => {
    const id = await hold(app)
    const before = runs.issue_refund
    const res = await call(app, 'POST', `/approvals/${id}/reject`, {
      key: KEYS.carol,
      body: { comment: 'no' },
    })
    expect(res.status).toBe(200)
    expect(rejectedSchema.parse(res.json)).toMatchObject({
      status: 'rejected',
      approval: { status: 'rejected', comment: 'no' },
    })
    expect(runs.issue_refund).toBe(before)
  })

  it('answers 409 naming the state when the approval was already decided', async () => {
    const id = await hold(app)
    await call(app, 'POST', `/approvals/${id}/reject`, { key: KEYS.carol, body: {} })
    for (const verb of ['approve', 'reject']) {
      const res = await call(app, 'POST', `/approvals/${id}/${verb}`, { key: KEYS.erin, body: {} })
      expect(res.status).toBe(409)
      expect(res.type).toBe('application/problem+json')
      expect(res.json).toMatchObject({
        code: 'APPROVAL_ALREADY_DECIDED',
        status: 409,
        approval_status: 'rejected',
      })
      expect(res.json.detail).toContain('rejected')
    }
  })

  it('forbids approving your own request', async () => {
    const appWithSelf = makeApp(makeAirlock({ approvals: {} }))
    const id = await hold(appWithSelf)
    const res = await call(appWithSelf, 'POST', `/approvals/${id}/approve`, { key: KEYS.alice, body: {} })
    expect(res.status).toBe(403)
    expect(res.json).toMatchObject({ code: 'APPROVAL_SELF_DECISION' })
  })

  it('forbids deciding without the approver role', async () => {
    const id = await hold(app)
    const res = await call(app, 'POST', `/approvals/${id}/approve`, { key: KEYS.nobody, body: {} })
    expect(res.status).toBe(403)
    expect(res.json).toMatchObject({ code: 'APPROVER_NOT_ALLOWED' })
  })

  it('forbids anonymous callers from deciding even where anonymous access is on', async () => {
    const airlock = makeAirlock({ approvals: {} })
    const open = makeApp(airlock, { auth: [apiKeys, anonymousAuth()] })
    const id = await hold(open)
    const res = await call(open, 'POST', `/approvals/${id}/approve`, { body: {} })
    expect(res.status).toBe(403)
    expect(res.json).toMatchObject({ code: 'FORBIDDEN' })
  })

  it('waits for a quorum: 202 until enough distinct approvers voted', async () => {
    const held = await call(app, 'POST', '/actions/double_check/execute', {
      key: KEYS.alice,
      body: { inputs: {} },
    })
    const id = held.json.approval_id as string
    const first = await call(app, 'POST', `/approvals/${id}/approve`, { key: KEYS.carol })
    expect(first.status).toBe(202)
    expect(approvePendingSchema.parse(first.json)).toMatchObject({
      status: 'pending_approval',
      approval: { votes: [{ approver: 'carol' }] },
    })
    const again = await call(app, 'POST', `/approvals/${id}/approve`, { key: KEYS.carol })
    expect(again.status).toBe(409)
    const second = await call(app, 'POST', `/approvals/${id}/approve`, { key: KEYS.erin })
    expect(second.status).toBe(200)
    expect(second.json).toMatchObject({ status: 'executed', result: 'done' })
  })

  it('rejects malformed ids with 400 naming the field', async () => {
    for (const [method, path] of [
      ['GET', '/approvals/not-an-id'],
      ['POST', '/approvals/123/approve'],
      ['POST', `/approvals/apr-${'Z'.repeat(24)}/reject`],
    ] as const) {
      const res = await call(app, method, path, {
        key: KEYS.carol,
        ...(method === 'POST' ? { body: {} } : {}),
      })
      expect(res.status).toBe(400)
      expect(res.json.detail).toContain('path.id')
    }
  })

  it('rejects a comment that is not a string or unknown body fields', async () => {
    const id = await hold(app)
    const bad = await call(app, 'POST', `/approvals/${id}/approve`, { key: KEYS.carol, body: { comment: 5 } })
    expect(bad.status).toBe(400)
    const unknown = await call(app, 'POST', `/approvals/${id}/approve`, {
      key: KEYS.carol,
      body: { approve: true },
    })
    expect(unknown.status).toBe(400)
    expect(unknown.json.detail).toContain('body.approve')
    const still = await call(app, 'GET', `/approvals/${id}`, { key: KEYS.carol })
    expect(still.json.status).toBe('pending')
  })

  it('rejects unknown statuses and filters', async () => {
    const res = await call(app, 'GET', '/approvals?status=done', { key: KEYS.carol })
    expect(res.status).toBe(400)
    expect(res.json.detail).toContain('query.status')
    const unknown = await call(app, 'GET', '/approvals?state=pending', { key: KEYS.carol })
    expect(unknown.status).toBe(400)
    expect(unknown.json.detail).toContain('query.state')
  })
})

describe('approving answers with the status execute would give the outcome', () => {
  const fragile = defineAction({
    name: 'fragile_refund',
    description: 'Held, then fails when run',
    risk: 'high',
    approval_required: true,
    input: z.object({}),
    handler: () => {
      throw new Error('payment provider said no')
    },
  })

  it('500 with status failed when the approved request fails, as POST /actions/{name}/execute would', async () => {
    const app = makeApp(makeAirlock({ actions: [...actions, fragile] }))
    const held = await call(app, 'POST', '/actions/fragile_refund/execute', {
      key: KEYS.alice,
      body: { inputs: {} },
    })
    expect(held.status).toBe(202)
    const res = await call(app, 'POST', `/approvals/${held.json.approval_id as string}/approve`, {
      key: KEYS.carol,
    })
    expect(res.json).toMatchObject({ status: 'failed', approval: { status: 'failed' } })
    expect(res.status).toBe(500)
  })
})
