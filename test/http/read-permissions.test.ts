/**
 * What each caller may read within its tenant: agents their own requests and
 * events, approvers the pending requests they may decide, auditors the log.
 */
import { beforeEach, describe, expect, it } from 'vitest'
import { call, KEYS, makeAirlock, makeApp } from './fixtures.js'

type App = ReturnType<typeof makeApp>

async function holdRefund(app: App, key: string = KEYS.alice): Promise<string> {
  const res = await call(app, 'POST', '/actions/issue_refund/execute', {
    key,
    body: { inputs: { invoice_id: 'inv_1', amount: 10 } },
  })
  expect(res.status).toBe(202)
  return res.json.approval_id as string
}

function ids(json: Record<string, unknown>): string[] {
  return (json.items as { id: string }[]).map((a) => a.id)
}

function actors(json: Record<string, unknown>): string[] {
  return [...new Set((json.items as { actor: string }[]).map((e) => e.actor))]
}

describe('read permissions', () => {
  let app: App
  let id: string
  beforeEach(async () => {
    app = makeApp(makeAirlock())
    id = await holdRefund(app)
    await call(app, 'POST', '/actions/get_invoice/execute', {
      key: KEYS.nobody,
      body: { inputs: { invoice_id: 'inv_2' } },
    })
  })

  it('shows an agent without roles only its own approvals and events', async () => {
    expect(ids((await call(app, 'GET', '/approvals', { key: KEYS.nobody })).json)).toEqual([])
    expect(ids((await call(app, 'GET', '/approvals?status=pending', { key: KEYS.nobody })).json)).toEqual([])
    const one = await call(app, 'GET', `/approvals/${id}`, { key: KEYS.nobody })
    expect(one.status).toBe(404)
    expect(one.json).toMatchObject({ code: 'APPROVAL_NOT_FOUND' })
    const audit = await call(app, 'GET', '/audit', { key: KEYS.nobody })
    expect(audit.status).toBe(200)
    expect(actors(audit.json)).toEqual(['nobody'])
    const other = await call(app, 'GET', '/audit?actor=alice', { key: KEYS.nobody })
    expect(other.status).toBe(403)
    expect(JSON.stringify(other.json)).not.toContain('inv_1')
  })

  it('shows the requester its own approval', async () => {
    expect(ids((await call(app, 'GET', '/approvals', { key: KEYS.alice })).json)).toEqual([id])
    expect((await call(app, 'GET', `/approvals/${id}`, { key: KEYS.alice })).status).toBe(200)
    expect(actors((await call(app, 'GET', '/audit', { key: KEYS.alice })).json)).toEqual(['alice'])
  })

  it('shows an approver the pending requests it may decide, and not the log', async () => {
    const pending = await call(app, 'GET', '/approvals?status=pending', { key: KEYS.erin })
    expect(ids(pending.json)).toEqual([id])
    expect((await call(app, 'GET', `/approvals/${id}`, { key: KEYS.erin })).status).toBe(200)
    // Past requests of others are the auditors' to read.
    expect(ids((await call(app, 'GET', '/approvals', { key: KEYS.erin })).json)).toEqual([])
    expect((await call(app, 'GET', '/audit', { key: KEYS.erin })).json.items).toEqual([])
    expect((await call(app, 'GET', '/audit/verify', { key: KEYS.erin })).status).toBe(403)
  })

  it('lets an approver who voted keep reading the approval once decided', async () => {
    expect((await call(app, 'POST', `/approvals/${id}/reject`, { key: KEYS.erin })).status).toBe(200)
    expect((await call(app, 'GET', `/approvals/${id}`, { key: KEYS.erin })).status).toBe(200)
  })

  it('shows an auditor every approval and event of its tenant', async () => {
    expect(ids((await call(app, 'GET', '/approvals', { key: KEYS.carol })).json)).toEqual([id])
    const audit = await call(app, 'GET', '/audit', { key: KEYS.carol })
    expect(actors(audit.json).sort()).toEqual(['alice', 'nobody'])
  })

  it('reads one event by id only for its actor or an auditor, and answers others as if it were missing', async () => {
    const alices = (await call(app, 'GET', '/audit', { key: KEYS.alice })).json.items as { id: string }[]
    const event = alices[0]!.id
    expect((await call(app, 'GET', `/audit/${event}`, { key: KEYS.alice })).status).toBe(200)
    expect((await call(app, 'GET', `/audit/${event}`, { key: KEYS.carol })).status).toBe(200)
    const other = await call(app, 'GET', `/audit/${event}`, { key: KEYS.nobody })
    expect(other.status).toBe(404)
    expect(JSON.stringify(other.json)).not.toContain('inv_1')
    const undo = await call(app, 'POST', `/audit/${event}/rollback?dry_run=true`, { key: KEYS.nobody })
    expect(undo.status).toBe(404)
  })

  it('takes auditor and approver roles from the options', async () => {
    const custom = makeApp(makeAirlock(), { auditor_roles: ['finance-audit'], approver_roles: ['approver'] })
    expect((await call(custom, 'GET', '/audit/verify', { key: KEYS.carol })).status).toBe(403)
  })
})

describe('GET /audit/verify', () => {
  it('is refused to callers without an auditor role', async () => {
    const app = makeApp(makeAirlock())
    const res = await call(app, 'GET', '/audit/verify', { key: KEYS.nobody })
    expect(res.status).toBe(403)
    expect(res.json).toMatchObject({ code: 'FORBIDDEN' })
  })

  it('serves the last result with its age and reveals no event count', async () => {
    const app = makeApp(makeAirlock())
    await holdRefund(app)
    const first = await call(app, 'GET', '/audit/verify', { key: KEYS.carol })
    expect(first.status).toBe(200)
    expect(Object.keys(first.json).sort()).toEqual(['age_s', 'checked_at', 'valid'])
    await holdRefund(app)
    const second = await call(app, 'GET', '/audit/verify', { key: KEYS.carol })
    expect(second.json.checked_at).toBe(first.json.checked_at)
  })

  it('rate-limits fresh scans', async () => {
    const app = makeApp(makeAirlock())
    expect((await call(app, 'GET', '/audit/verify', { key: KEYS.carol })).status).toBe(200)
    const again = await call(app, 'GET', '/audit/verify?fresh=true', { key: KEYS.carol })
    expect(again.status).toBe(429)
    expect(again.json).toMatchObject({ code: 'RATE_LIMITED' })
    expect(Number(again.headers.get('retry-after'))).toBeGreaterThan(0)
  })

  it('scans again on request once the interval allows it', async () => {
    const app = makeApp(makeAirlock(), { verify_interval_ms: 0 })
    expect((await call(app, 'GET', '/audit/verify', { key: KEYS.carol })).status).toBe(200)
    const fresh = await call(app, 'GET', '/audit/verify?fresh=true', { key: KEYS.carol })
    expect(fresh.status).toBe(200)
    expect(fresh.json).toMatchObject({ valid: true, age_s: 0 })
  })
})
