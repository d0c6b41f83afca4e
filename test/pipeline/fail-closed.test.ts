import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { defineAction } from '../../src/actions/define-action.js'
import { createAirlock } from '../../src/airlock.js'
import type { Principal } from '../../src/identity/principal.js'
import { localPrincipal } from '../../src/identity/principal.js'
import { parsePolicies } from '../../src/policy/load-policies.js'
import type { PolicyRule } from '../../src/policy/policy-rule.js'
import { allowAll } from '../../src/policy/rules/index.js'
import { sequentialBatch } from '../../src/store/internal/write-ops.js'
import { memoryStore } from '../../src/store/memory/index.js'
import type { Store } from '../../src/store/store.js'

const agent = localPrincipal('agent-1')

describe('what policy judges', () => {
  it('judges the inputs the handler receives, after the schema transforms them', async () => {
    const ran: string[] = []
    const del = defineAction({
      name: 'delete_namespace',
      description: 'Delete a namespace',
      input: z.object({ namespace: z.string().trim().toLowerCase() }),
      risk: 'low',
      handler: ({ namespace }) => {
        ran.push(namespace)
        return 'gone'
      },
    })
    const { rules } = parsePolicies(
      `rules:
  - name: protect-kube-system
    priority: 10
    match: { args: { namespace: kube-system } }
    decision: deny
    reason: never
  - name: rest
    match: {}
    decision: allow
    reason: ok
`,
      'inline.yaml',
    )
    const airlock = createAirlock({ actions: [del], policies: rules })
    expect(
      await airlock.execute('delete_namespace', { namespace: ' KUBE-SYSTEM ' }, { caller: agent }),
    ).toMatchObject({
      status: 'denied',
      rule: 'protect-kube-system',
    })
    expect(ran).toEqual([])
  })

  it('denies when a plug-in rule returns a decision it does not know', async () => {
    let ran = false
    const act = defineAction({
      name: 'act',
      description: 'Act',
      input: z.object({}),
      risk: 'low',
      handler: () => {
        ran = true
      },
    })
    const sloppy: PolicyRule = {
      name: 'sloppy',
      priority: 0,
      actions: { kind: 'any' },
      evaluate: () => ({ decision: 'DENY' as never, reason: 'typo', rule: 'sloppy' }),
    }
    const airlock = createAirlock({ actions: [act], policies: [sloppy] })
    expect(await airlock.execute('act', {}, { caller: agent })).toMatchObject({
      status: 'denied',
      rule: 'sloppy',
    })
    expect(ran).toBe(false)
  })
})

describe('exactly once when recording fails', () => {
  it('never runs the handler again under the same key after its end could not be recorded', async () => {
    let runs = 0
    const act = defineAction({
      name: 'pay',
      description: 'Pay',
      input: z.object({}),
      risk: 'low',
      handler: () => {
        runs++
        return 'paid'
      },
    })
    const inner = memoryStore()
    let failNext = false
    const audit: Store['audit'] = {
      ...inner.audit,
      append: async (events) => {
        if (failNext && events.some((e) => e.status === 'executed')) {
          failNext = false
          throw new Error('disk full')
        }
        return inner.audit.append(events)
      },
    }
    // The pipeline writes through `batch`: route its events through the failing append too.
    const store: Store = {
      ...inner,
      audit,
      batch: (ops) => sequentialBatch({ idempotency: inner.idempotency, audit }, ops),
    }
    const airlock = createAirlock({ actions: [act], policies: [allowAll()], store })
    failNext = true
    await expect(airlock.execute('pay', {}, { caller: agent, idempotency_key: 'k' })).rejects.toThrow()
    const retry = await airlock.execute('pay', {}, { caller: agent, idempotency_key: 'k' })
    expect(retry).toMatchObject({ status: 'failed', replayed: true, error: { code: 'RESULT_UNKNOWN' } })
    expect(runs).toBe(1)
  })
})

describe('the started event comes first', () => {
  it('never runs the handler when the started event cannot be made durable', async () => {
    let runs = 0
    const act = defineAction({
      name: 'wire',
      description: 'Wire money',
      input: z.object({}),
      risk: 'low',
      handler: () => {
        runs++
        return 'sent'
      },
    })
    const inner = memoryStore()
    const audit: Store['audit'] = {
      ...inner.audit,
      append: async (events) => {
        if (events.some((e) => e.status === 'started')) throw new Error('disk full')
        return inner.audit.append(events)
      },
    }
    const store: Store = {
      ...inner,
      audit,
      batch: (ops) => sequentialBatch({ idempotency: inner.idempotency, audit }, ops),
    }
    const airlock = createAirlock({ actions: [act], policies: [allowAll()], store })
    await expect(airlock.execute('wire', {}, { caller: agent })).rejects.toThrow()
    await expect(airlock.execute('wire', {}, { caller: agent, idempotency_key: 'w1' })).rejects.toThrow()
    expect(runs).toBe(0)
  })
})

describe('approval-time checks', () => {
  const refund = () =>
    defineAction({
      name: 'refund',
      description: 'Refund',
      input: z.object({ amount: z.number() }),
      risk: 'high',
      approval_required: true,
      required_scopes: ['finance'],
      handler: ({ amount }) => ({ refunded: amount }),
    })

  it('re-checks policy for the requester as they were, groups and delegation included', async () => {
    let blockContractors = false
    const rule: PolicyRule = {
      name: 'contractors',
      priority: 0,
      actions: { kind: 'any' },
      evaluate: (r) =>
        blockContractors && r.caller?.groups.includes('contractors')
          ? { decision: 'deny', reason: 'contractors paused', rule: 'contractors' }
          : { decision: 'allow', reason: 'ok', rule: 'contractors' },
    }
    const airlock = createAirlock({ actions: [refund()], policies: [rule] })
    const requester: Principal = {
      ...localPrincipal('worker', { groups: ['contractors'], scopes: ['finance'] }),
      delegation_chain: [{ actor_id: 'orchestrator', roles: [], groups: [] }],
    }
    const held = await airlock.execute('refund', { amount: 5 }, { caller: requester })
    if (held.status !== 'pending_approval') throw new Error('expected a hold')
    blockContractors = true
    const decided = await airlock.approvals.approve(held.approval_id, {
      approver: localPrincipal('alice', { roles: ['approver'] }),
    })
    expect(decided).toMatchObject({
      status: 'decided',
      outcome: { status: 'denied', reason: expect.stringContaining('contractors paused') },
    })
  })

  it('refuses a decision by whoever delegated to the requester', async () => {
    const airlock = createAirlock({ actions: [refund()], policies: [allowAll()] })
    const worker: Principal = {
      ...localPrincipal('worker', { scopes: ['finance'] }),
      delegation_chain: [{ actor_id: 'orchestrator', roles: [], groups: [] }],
    }
    const held = await airlock.execute('refund', { amount: 5 }, { caller: worker })
    if (held.status !== 'pending_approval') throw new Error('expected a hold')
    await expect(
      airlock.approvals.approve(held.approval_id, {
        approver: localPrincipal('orchestrator', { roles: ['approver'] }),
      }),
    ).rejects.toMatchObject({
      code: 'APPROVAL_SELF_DECISION',
    })
    const sibling: Principal = {
      ...localPrincipal('worker-2'),
      delegation_chain: [{ actor_id: 'orchestrator', roles: [], groups: [] }],
    }
    await expect(airlock.approvals.approve(held.approval_id, { approver: sibling })).rejects.toMatchObject({
      code: 'APPROVAL_SELF_DECISION',
    })
  })

  it('audits an approval that a late decision finds expired', async () => {
    let now = new Date('2026-06-01T00:00:00Z')
    const airlock = createAirlock({
      actions: [refund()],
      policies: [allowAll()],
      approvals: { ttl_ms: 1000 },
      now: () => now,
    })
    const held = await airlock.execute(
      'refund',
      { amount: 5 },
      { caller: localPrincipal('a', { scopes: ['finance'] }) },
    )
    if (held.status !== 'pending_approval') throw new Error('expected a hold')
    now = new Date('2026-06-01T00:00:05Z')
    await expect(
      airlock.approvals.approve(held.approval_id, {
        approver: localPrincipal('alice', { roles: ['approver'] }),
      }),
    ).rejects.toMatchObject({
      code: 'APPROVAL_ALREADY_DECIDED',
    })
    const statuses = (await airlock.audit.list({ approval_id: held.approval_id }, 10)).items.map(
      (e) => e.status,
    )
    expect(statuses).toEqual(['expired', 'held'])
  })
})

describe('secrets in free text', () => {
  it('masks secrets quoted by a failing handler before they are stored or returned', async () => {
    const act = defineAction({
      name: 'connect',
      description: 'Connect',
      input: z.object({}),
      risk: 'low',
      handler: () => {
        throw new Error('connect failed postgres://admin:hunter2pass@db.internal/prod')
      },
    })
    const airlock = createAirlock({ actions: [act], policies: [allowAll()] })
    const outcome = await airlock.execute('connect', {}, { caller: agent })
    expect(JSON.stringify(outcome)).not.toContain('hunter2pass')
    expect(JSON.stringify((await airlock.audit.list({}, 5)).items)).not.toContain('hunter2pass')
  })
})

describe('delegation in the audit record', () => {
  it('names who delegated to the actor', async () => {
    const act = defineAction({
      name: 'act',
      description: 'Act',
      input: z.object({}),
      risk: 'low',
      handler: () => 'ok',
    })
    const airlock = createAirlock({ actions: [act], policies: [allowAll()] })
    const worker: Principal = {
      ...localPrincipal('worker'),
      delegation_chain: [{ actor_id: 'orchestrator', roles: [], groups: [] }],
    }
    await airlock.execute('act', {}, { caller: worker })
    const events = (await airlock.audit.list({ actor: 'worker' }, 5)).items
    expect(events.map((e) => e.context?.delegated_by)).toEqual([['orchestrator'], ['orchestrator']])
  })
})

describe('refused decisions', () => {
  it('records an attempt to approve one’s own request', async () => {
    const act = defineAction({
      name: 'act',
      description: 'Act',
      input: z.object({}),
      risk: 'low',
      approval_required: true,
      handler: () => 'ok',
    })
    const airlock = createAirlock({ actions: [act], policies: [allowAll()] })
    const held = await airlock.execute('act', {}, { caller: agent })
    if (held.status !== 'pending_approval') throw new Error('expected a hold')
    await expect(airlock.approvals.approve(held.approval_id, { approver: agent })).rejects.toMatchObject({
      code: 'APPROVAL_SELF_DECISION',
    })
    const refused = (await airlock.audit.list({ approval_id: held.approval_id, status: 'denied' }, 5))
      .items[0]
    expect(refused).toMatchObject({ approver: 'agent-1', context: { refused_decision: 'approve' } })
  })
})
