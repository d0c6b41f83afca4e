import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { defineAction } from '../../src/actions/define-action.js'
import { createAirlock } from '../../src/airlock.js'
import type { Principal } from '../../src/identity/principal.js'
import { allowAll } from '../../src/policy/rules/index.js'

function principal(
  actor_id: string,
  chain: readonly string[],
  roles: readonly string[] = ['approver'],
): Principal {
  return {
    actor_id,
    roles,
    groups: [],
    scopes: [],
    tenant_id: 'default',
    delegation_chain: chain.map((id) => ({ actor_id: id, roles: [], groups: [] })),
    auth: 'identity_token',
  }
}

function wireAirlock() {
  const runs: unknown[] = []
  const wire = defineAction({
    name: 'wire',
    description: 'Send money',
    input: z.object({ amount: z.number() }),
    risk: 'high',
    approval_required: true,
    approver_roles: ['approver'],
    handler: (input) => {
      runs.push(input)
      return { sent: input.amount }
    },
  })
  return { runs, airlock: createAirlock({ actions: [wire], policies: [allowAll()] }) }
}

describe('self-approval through a delegation chain', () => {
  it('refuses a decider whose chain holds the requester anywhere, not only at its root', async () => {
    const { runs, airlock } = wireAirlock()
    // R acts on a token delegated by X; R then delegates to D, whose chain is [X, R].
    const r = principal('R', ['X'])
    const held = await airlock.execute('wire', { amount: 10 }, { caller: r })
    if (held.status !== 'pending_approval') throw new Error('expected a hold')
    const d = principal('D', ['X', 'R'])
    await expect(airlock.approvals.approve(held.approval_id, { approver: d })).rejects.toMatchObject({
      code: 'APPROVAL_SELF_DECISION',
    })
    expect(runs).toEqual([])
  })

  it('refuses a decider that R delegated to through X when R asked with its own key', async () => {
    const { runs, airlock } = wireAirlock()
    const held = await airlock.execute('wire', { amount: 10 }, { caller: principal('R', []) })
    if (held.status !== 'pending_approval') throw new Error('expected a hold')
    await expect(
      airlock.approvals.approve(held.approval_id, { approver: principal('D', ['X', 'R']) }),
    ).rejects.toMatchObject({ code: 'APPROVAL_SELF_DECISION' })
    expect(runs).toEqual([])
  })

  it('refuses a decider who appears in the middle of the requester chain', async () => {
    const { runs, airlock } = wireAirlock()
    const worker = principal('W', ['root', 'M'])
    const held = await airlock.execute('wire', { amount: 10 }, { caller: worker })
    if (held.status !== 'pending_approval') throw new Error('expected a hold')
    await expect(
      airlock.approvals.approve(held.approval_id, { approver: principal('M', ['other']) }),
    ).rejects.toMatchObject({ code: 'APPROVAL_SELF_DECISION' })
    expect(runs).toEqual([])
  })

  it('refuses when both chains share a middle link', async () => {
    const { airlock } = wireAirlock()
    const held = await airlock.execute('wire', { amount: 10 }, { caller: principal('W1', ['a', 'M']) })
    if (held.status !== 'pending_approval') throw new Error('expected a hold')
    await expect(
      airlock.approvals.approve(held.approval_id, { approver: principal('W2', ['b', 'M']) }),
    ).rejects.toMatchObject({ code: 'APPROVAL_SELF_DECISION' })
  })

  it('lets an unrelated approver decide', async () => {
    const { runs, airlock } = wireAirlock()
    const held = await airlock.execute('wire', { amount: 10 }, { caller: principal('R', ['X']) })
    if (held.status !== 'pending_approval') throw new Error('expected a hold')
    const decided = await airlock.approvals.approve(held.approval_id, { approver: principal('alice', []) })
    expect(decided).toMatchObject({ status: 'decided', outcome: { status: 'executed' } })
    expect(runs).toEqual([{ amount: 10 }])
  })
})
