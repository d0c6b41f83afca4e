import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { defineAction } from '../../src/actions/define-action.js'
import { createAirlock } from '../../src/airlock.js'
import { storedIdempotencyKey } from '../../src/idempotency/key-scope.js'
import { localPrincipal } from '../../src/identity/principal.js'
import type { PolicyRule } from '../../src/policy/policy-rule.js'
import { allowAll, denyAll } from '../../src/policy/rules/index.js'

function billing() {
  const calls: unknown[] = []
  const getInvoice = defineAction({
    name: 'get_invoice',
    description: 'Read one invoice',
    input: z.object({ invoice_id: z.string() }),
    risk: 'low',
    handler: ({ invoice_id }) => {
      calls.push(invoice_id)
      return { id: invoice_id, amount: 4200, at: new Date('2026-01-01T12:00:00Z') }
    },
  })
  const refund = defineAction({
    name: 'issue_refund',
    description: 'Refund an invoice',
    input: z.object({
      invoice_id: z.string(),
      amount: z.number().positive(),
      card_password: z.string().optional(),
    }),
    risk: 'high',
    required_scopes: ['finance'],
    approval_required: true,
    approver_roles: ['approver'],
    handler: (input) => {
      calls.push(input)
      return { refunded: input.amount }
    },
  })
  const explode = defineAction({
    name: 'explode',
    description: 'Always fails',
    input: z.object({}),
    risk: 'low',
    handler: () => {
      calls.push('explode')
      throw new Error('boom')
    },
  })
  return { calls, actions: [getInvoice, refund, explode] }
}

const agent = localPrincipal('agent-7', { roles: ['agent'], scopes: ['finance'] })
const approver = localPrincipal('alice', { roles: ['approver'] })

describe('execute', () => {
  it('runs an allowed action and records started and executed events in a valid chain', async () => {
    const { calls, actions } = billing()
    const airlock = createAirlock({ actions, policies: [allowAll()] })
    const outcome = await airlock.execute('get_invoice', { invoice_id: 'inv_1' }, { caller: agent })
    expect(outcome).toMatchObject({
      status: 'executed',
      replayed: false,
      result: { id: 'inv_1', amount: 4200 },
    })
    // Results pass through JSON, so a Date arrives as the same string on every path.
    expect(outcome.status === 'executed' && (outcome.result as { at: string }).at).toBe(
      '2026-01-01T12:00:00.000Z',
    )
    expect(calls).toEqual(['inv_1'])
    const events = (await airlock.audit.list({}, 10)).items.map((e) => e.status)
    expect(events).toEqual(['executed', 'started'])
    expect(await airlock.audit.verify()).toMatchObject({ valid: true, count: 2 })
  })

  it('denies by policy without running the handler', async () => {
    const { calls, actions } = billing()
    const airlock = createAirlock({ actions, policies: [denyAll({ name: 'nothing-goes' })] })
    const outcome = await airlock.execute('get_invoice', { invoice_id: 'inv_1' }, { caller: agent })
    expect(outcome).toMatchObject({ status: 'denied', code: 'POLICY', rule: 'nothing-goes' })
    expect(calls).toEqual([])
    expect((await airlock.audit.list({}, 10)).items[0]).toMatchObject({
      status: 'denied',
      rule: 'nothing-goes',
    })
  })

  it('denies when no rule matches', async () => {
    const { actions } = billing()
    const airlock = createAirlock({ actions })
    const outcome = await airlock.execute('get_invoice', { invoice_id: 'inv_1' }, { caller: agent })
    expect(outcome).toMatchObject({ status: 'denied', reason: 'No matching policy (default deny)' })
  })

  it('names unknown actions, invalid inputs and missing scopes distinctly', async () => {
    const { calls, actions } = billing()
    const airlock = createAirlock({ actions, policies: [allowAll()] })
    expect(await airlock.execute('nope', {}, { caller: agent })).toMatchObject({
      status: 'denied',
      code: 'ACTION_NOT_FOUND',
      reason: 'Unknown action: nope',
    })
    const invalid = await airlock.execute('get_invoice', { invoice_id: 7, extra: true }, { caller: agent })
    expect(invalid).toMatchObject({ status: 'denied', code: 'INPUT_INVALID' })
    expect(invalid.status === 'denied' && invalid.issues.map((i) => i.path.join('.'))).toEqual(
      expect.arrayContaining(['invoice_id']),
    )
    const noScope = await airlock.execute(
      'issue_refund',
      { invoice_id: 'inv_1', amount: 5 },
      { caller: localPrincipal('bob') },
    )
    expect(noScope).toMatchObject({
      status: 'denied',
      code: 'SCOPE_MISSING',
      reason: 'Missing required scopes: finance',
    })
    expect(calls).toEqual([])
  })

  it('reports a throwing handler as failed and audits it', async () => {
    const { actions } = billing()
    const airlock = createAirlock({ actions, policies: [allowAll()] })
    const outcome = await airlock.execute('explode', {}, { caller: agent })
    expect(outcome).toMatchObject({ status: 'failed', error: { message: 'boom' } })
    expect((await airlock.audit.list({}, 1)).items[0]).toMatchObject({ status: 'failed', error: 'boom' })
  })
})

describe('approvals', () => {
  it('holds, then runs with the original (unredacted) inputs once an approver approves', async () => {
    const { calls, actions } = billing()
    const airlock = createAirlock({ actions, policies: [allowAll()] })
    const held = await airlock.execute(
      'issue_refund',
      { invoice_id: 'inv_1', amount: 12.5, card_password: 'hunter2' },
      { caller: agent },
    )
    expect(held.status).toBe('pending_approval')
    if (held.status !== 'pending_approval') return
    const stored = await airlock.approvals.get(agent, held.approval_id)
    expect(stored.inputs).toEqual({ invoice_id: 'inv_1', amount: 12.5, card_password: '**REDACTED**' })
    expect(JSON.stringify(stored)).not.toContain('hunter2')

    const decided = await airlock.approvals.approve(held.approval_id, { approver, comment: 'ok' })
    expect(decided).toMatchObject({
      status: 'decided',
      outcome: { status: 'executed', result: { refunded: 12.5 } },
    })
    expect(calls).toEqual([{ invoice_id: 'inv_1', amount: 12.5, card_password: 'hunter2' }])
    expect((await airlock.approvals.get(agent, held.approval_id)).status).toBe('executed')

    const audit = (await airlock.audit.list({ approval_id: held.approval_id }, 10)).items.map((e) => e.status)
    expect(audit).toEqual(['executed', 'started', 'approved', 'held'])
    expect(JSON.stringify((await airlock.audit.list({}, 50)).items)).not.toContain('hunter2')
  })

  it('refuses self-approval, approvers without the role, and a second decision', async () => {
    const { actions } = billing()
    const airlock = createAirlock({ actions, policies: [allowAll()] })
    const held = await airlock.execute('issue_refund', { invoice_id: 'inv_1', amount: 1 }, { caller: agent })
    if (held.status !== 'pending_approval') throw new Error('expected a hold')
    await expect(airlock.approvals.approve(held.approval_id, { approver: agent })).rejects.toMatchObject({
      code: 'APPROVAL_SELF_DECISION',
    })
    await expect(
      airlock.approvals.approve(held.approval_id, { approver: localPrincipal('mallory') }),
    ).rejects.toMatchObject({ code: 'APPROVER_NOT_ALLOWED' })
    await airlock.approvals.reject(held.approval_id, { approver, comment: 'no' })
    await expect(airlock.approvals.approve(held.approval_id, { approver })).rejects.toMatchObject({
      code: 'APPROVAL_ALREADY_DECIDED',
      message: expect.stringContaining('rejected'),
    })
  })

  it('lets exactly one of many concurrent approvers win', async () => {
    const { calls, actions } = billing()
    const airlock = createAirlock({ actions, policies: [allowAll()] })
    const held = await airlock.execute('issue_refund', { invoice_id: 'inv_1', amount: 1 }, { caller: agent })
    if (held.status !== 'pending_approval') throw new Error('expected a hold')
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        airlock.approvals.approve(held.approval_id, {
          approver: localPrincipal(`approver-${i}`, { roles: ['approver'] }),
        }),
      ),
    )
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
    expect(calls).toHaveLength(1)
  })

  it('does not run an approved request that policy now denies', async () => {
    const { calls, actions } = billing()
    let open = true
    const gate: PolicyRule = {
      name: 'gate',
      priority: 0,
      actions: { kind: 'any' },
      evaluate: () => ({ decision: open ? 'allow' : 'deny', reason: open ? 'open' : 'closed', rule: 'gate' }),
    }
    const airlock = createAirlock({ actions, policies: [gate] })
    const held = await airlock.execute('issue_refund', { invoice_id: 'inv_1', amount: 1 }, { caller: agent })
    if (held.status !== 'pending_approval') throw new Error('expected a hold')
    open = false
    const decided = await airlock.approvals.approve(held.approval_id, { approver })
    expect(decided).toMatchObject({
      status: 'decided',
      outcome: { status: 'denied', reason: 'Denied at approval time: closed' },
    })
    expect(calls).toEqual([])
    expect((await airlock.approvals.get(agent, held.approval_id)).status).toBe('failed')
  })

  it('expires approvals past their TTL', async () => {
    const { actions } = billing()
    let now = new Date('2026-03-01T00:00:00Z')
    const airlock = createAirlock({
      actions,
      policies: [allowAll()],
      approvals: { ttl_ms: 60_000 },
      now: () => now,
    })
    const held = await airlock.execute('issue_refund', { invoice_id: 'inv_1', amount: 1 }, { caller: agent })
    if (held.status !== 'pending_approval') throw new Error('expected a hold')
    now = new Date('2026-03-01T00:02:00Z')
    const expired = await airlock.approvals.expire()
    expect(expired.map((a) => a.id)).toEqual([held.approval_id])
    await expect(airlock.approvals.approve(held.approval_id, { approver })).rejects.toMatchObject({
      code: 'APPROVAL_ALREADY_DECIDED',
    })
  })
})

describe('idempotency', () => {
  it('runs once and replays the sealed original outcome to the same caller', async () => {
    const { calls, actions } = billing()
    const airlock = createAirlock({ actions, policies: [allowAll()] })
    const first = await airlock.execute(
      'get_invoice',
      { invoice_id: 'inv_1' },
      { caller: agent, idempotency_key: 'k1' },
    )
    const second = await airlock.execute(
      'get_invoice',
      { invoice_id: 'inv_1' },
      { caller: agent, idempotency_key: 'k1' },
    )
    expect(calls).toEqual(['inv_1'])
    expect(second.replayed).toBe(true)
    expect(second.status === 'executed' && JSON.stringify(second.result)).toBe(
      first.status === 'executed' && JSON.stringify(first.result),
    )
    expect(second.request_id).toBe(first.request_id)
  })

  it('rejects the same key with other inputs or another caller', async () => {
    const { actions } = billing()
    const airlock = createAirlock({ actions, policies: [allowAll()] })
    await airlock.execute('get_invoice', { invoice_id: 'inv_1' }, { caller: agent, idempotency_key: 'k1' })
    await expect(
      airlock.execute('get_invoice', { invoice_id: 'inv_2' }, { caller: agent, idempotency_key: 'k1' }),
    ).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' })
  })

  it("gives each caller its own keys, so no one can occupy or probe another caller's key", async () => {
    const { calls, actions } = billing()
    const airlock = createAirlock({ actions, policies: [allowAll()] })
    // Mallory takes the key first, guessing the id the agent's framework will use.
    await airlock.execute(
      'get_invoice',
      { invoice_id: 'inv_9' },
      { caller: 'mallory', idempotency_key: 'call_1' },
    )
    const agents = await airlock.execute(
      'get_invoice',
      { invoice_id: 'inv_1' },
      { caller: agent, idempotency_key: 'call_1' },
    )
    expect(agents).toMatchObject({ status: 'executed', replayed: false, result: { id: 'inv_1' } })
    expect(calls).toEqual(['inv_9', 'inv_1'])
  })

  it("shares keys tenant-wide when configured, refusing another caller's reuse", async () => {
    const { actions } = billing()
    const airlock = createAirlock({ actions, policies: [allowAll()], idempotency: { scope: 'tenant' } })
    await airlock.execute('get_invoice', { invoice_id: 'inv_1' }, { caller: agent, idempotency_key: 'k1' })
    await expect(
      airlock.execute('get_invoice', { invoice_id: 'inv_1' }, { caller: 'mallory', idempotency_key: 'k1' }),
    ).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' })
  })

  it('runs concurrent duplicates exactly once', async () => {
    const { calls, actions } = billing()
    const airlock = createAirlock({ actions, policies: [allowAll()] })
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, () =>
        airlock.execute('get_invoice', { invoice_id: 'inv_1' }, { caller: agent, idempotency_key: 'same' }),
      ),
    )
    expect(calls).toHaveLength(1)
    expect(outcomes.filter((o) => !o.replayed)).toHaveLength(1)
    expect(
      new Set(outcomes.map((o) => (o.status === 'executed' ? JSON.stringify(o.result) : o.status))).size,
    ).toBe(1)
  })

  it('returns the same pending approval when a held call is retried', async () => {
    const { actions } = billing()
    const airlock = createAirlock({ actions, policies: [allowAll()] })
    const a = await airlock.execute(
      'issue_refund',
      { invoice_id: 'inv_1', amount: 3 },
      { caller: agent, idempotency_key: 'r1' },
    )
    const b = await airlock.execute(
      'issue_refund',
      { invoice_id: 'inv_1', amount: 3 },
      { caller: agent, idempotency_key: 'r1' },
    )
    expect(a.status).toBe('pending_approval')
    expect(b).toMatchObject({ status: 'pending_approval', replayed: true })
    expect(a.status === 'pending_approval' && b.status === 'pending_approval' && b.approval_id).toBe(
      a.status === 'pending_approval' && a.approval_id,
    )
    expect((await airlock.approvals.list(agent, { limit: 10 })).items).toHaveLength(1)
  })

  it('replays a failed outcome instead of running again', async () => {
    const { calls, actions } = billing()
    const airlock = createAirlock({ actions, policies: [allowAll()] })
    await airlock.execute('explode', {}, { caller: agent, idempotency_key: 'f1' })
    const retry = await airlock.execute('explode', {}, { caller: agent, idempotency_key: 'f1' })
    expect(retry).toMatchObject({ status: 'failed', replayed: true })
    expect(calls).toEqual(['explode'])
  })
})

describe('quorum and plans', () => {
  it('runs only when the required number of distinct approvers agree', async () => {
    const calls: unknown[] = []
    const wire = defineAction({
      name: 'wire_funds',
      description: 'Send money',
      input: z.object({ amount: z.number() }),
      risk: 'critical',
      approval_required: true,
      required_approvals: 2,
      handler: (input) => {
        calls.push(input)
        return { sent: input.amount }
      },
    })
    const airlock = createAirlock({ actions: [wire], policies: [allowAll()] })
    const held = await airlock.execute('wire_funds', { amount: 100 }, { caller: agent })
    if (held.status !== 'pending_approval') throw new Error('expected a hold')
    expect(
      await airlock.approvals.approve(held.approval_id, {
        approver: localPrincipal('alice', { roles: ['approver'] }),
      }),
    ).toMatchObject({
      status: 'pending',
    })
    await expect(
      airlock.approvals.approve(held.approval_id, {
        approver: localPrincipal('alice', { roles: ['approver'] }),
      }),
    ).rejects.toMatchObject({
      code: 'APPROVAL_ALREADY_DECIDED',
    })
    expect(calls).toEqual([])
    const second = await airlock.approvals.approve(held.approval_id, {
      approver: localPrincipal('bob', { roles: ['approver'] }),
    })
    expect(second).toMatchObject({
      status: 'decided',
      outcome: { status: 'executed', result: { sent: 100 } },
    })
    expect(calls).toHaveLength(1)
  })

  it('checks every step of a plan without running anything', async () => {
    const { calls, actions } = billing()
    const airlock = createAirlock({ actions, policies: [allowAll()], audit_checks: false })
    const decisions = await airlock.checkPlan([
      { action: 'get_invoice', params: { invoice_id: 'inv_1' }, caller: agent },
      { action: 'issue_refund', params: { invoice_id: 'inv_1', amount: 2 }, caller: agent },
      { action: 'drop_tables', caller: agent },
    ])
    expect(decisions.map((d) => d.decision)).toEqual(['allow', 'require_approval', 'deny'])
    expect(calls).toEqual([])
    expect((await airlock.audit.list({}, 10)).items).toEqual([])
  })
})

describe('sweep', () => {
  it('expires stale approvals and purges idempotency records past their retention', async () => {
    const { calls, actions } = billing()
    let now = new Date('2026-05-01T00:00:00Z')
    const airlock = createAirlock({
      actions,
      policies: [allowAll()],
      approvals: { ttl_ms: 60_000 },
      idempotency: { retention_ms: 3_600_000 },
      now: () => now,
    })
    await airlock.execute('get_invoice', { invoice_id: 'inv_1' }, { caller: agent, idempotency_key: 'old' })
    await airlock.execute('issue_refund', { invoice_id: 'inv_1', amount: 1 }, { caller: agent })
    now = new Date('2026-05-01T02:00:00Z')
    expect(await airlock.sweep()).toMatchObject({ expired: 1, idempotency_purged: 1 })
    // Past retention the key is free again: the call runs afresh rather than replaying.
    const again = await airlock.execute(
      'get_invoice',
      { invoice_id: 'inv_1' },
      { caller: agent, idempotency_key: 'old' },
    )
    expect(again.replayed).toBe(false)
    expect(calls).toEqual(['inv_1', 'inv_1'])
  })

  it('frees a key whose holder died mid-run once its lease ended a retention and a lease ago', async () => {
    const { calls, actions } = billing()
    let now = new Date('2026-05-01T00:00:00Z')
    const airlock = createAirlock({
      actions,
      policies: [allowAll()],
      idempotency: { lease_ms: 30_000, retention_ms: 3_600_000 },
      now: () => now,
    })
    // A holder that died with the key in flight, for other inputs: no retry with these can take it over.
    await airlock.store.idempotency.claim({
      tenant_id: agent.tenant_id,
      action: 'get_invoice',
      key: storedIdempotencyKey('actor', agent.actor_id, 'k1'),
      fingerprint: 'the-dead-holder-s-inputs',
      owner: 'dead',
      lease_until: '2026-05-01T00:00:30.000Z',
      now: now.toISOString(),
    })
    const call = () =>
      airlock.execute('get_invoice', { invoice_id: 'inv_1' }, { caller: agent, idempotency_key: 'k1' })
    await expect(call()).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' })
    // The lease ended at 00:00:30: the key is freed an hour (the retention) and 30 s (a lease) after that.
    now = new Date('2026-05-01T01:00:59Z')
    expect(await airlock.sweep()).toMatchObject({ idempotency_purged: 0 })
    await expect(call()).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' })
    now = new Date('2026-05-01T01:01:01Z')
    expect(await airlock.sweep()).toMatchObject({ idempotency_purged: 1 })
    expect(await call()).toMatchObject({ status: 'executed', replayed: false })
    expect(calls).toEqual(['inv_1'])
  })
})
