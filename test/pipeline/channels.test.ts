import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { defineAction } from '../../src/actions/define-action.js'
import { createAirlock } from '../../src/airlock.js'
import type { ApprovalNotice, Channel } from '../../src/approvals/channels/channel.js'
import { localPrincipal } from '../../src/identity/principal.js'
import { allowAll } from '../../src/policy/rules/index.js'

const refund = defineAction({
  name: 'issue_refund',
  description: 'Refund an invoice',
  input: z.object({ invoice_id: z.string(), card_token: z.string() }),
  risk: 'high',
  approval_required: true,
  handler: ({ invoice_id }) => ({ refunded: invoice_id }),
})
const agent = localPrincipal('agent-1')

describe('channels told about held requests', () => {
  it('notifies every channel with redacted inputs and audits each delivery', async () => {
    const seen: ApprovalNotice[] = []
    const inbox: Channel = {
      name: 'inbox',
      notify: async (notice) => {
        seen.push(notice)
        return null
      },
    }
    const down: Channel = {
      name: 'pager',
      notify: async () => {
        throw new Error('pager unreachable')
      },
    }
    const airlock = createAirlock({ actions: [refund], policies: [allowAll()], channels: [inbox, down] })
    const held = await airlock.execute(
      'issue_refund',
      { invoice_id: 'inv_1', card_token: 'tok_live_9' },
      { caller: agent },
    )
    if (held.status !== 'pending_approval') throw new Error('expected a hold')
    await airlock.close()
    expect(seen).toHaveLength(1)
    expect(seen[0]).toMatchObject({
      approval_id: held.approval_id,
      action: 'issue_refund',
      requester: 'agent-1',
    })
    expect(JSON.stringify(seen[0])).not.toContain('tok_live_9')
    const notified = (await airlock.audit.list({ status: 'notified' }, 10)).items
    expect(notified.map((e) => [e.context?.channel, e.context?.delivered]).sort()).toEqual([
      ['inbox', true],
      ['pager', false],
    ])
  })

  it('applies a decision a channel obtains, under the usual rules', async () => {
    const yes: Channel = {
      name: 'desk',
      notify: async () => ({
        decision: 'approve',
        approver: localPrincipal('alice', { roles: ['approver'] }),
      }),
    }
    const airlock = createAirlock({ actions: [refund], policies: [allowAll()], channels: [yes] })
    const held = await airlock.execute(
      'issue_refund',
      { invoice_id: 'inv_2', card_token: 't' },
      { caller: agent },
    )
    if (held.status !== 'pending_approval') throw new Error('expected a hold')
    await airlock.close()
    const approval = await airlock.approvals.get(agent, held.approval_id)
    expect(approval).toMatchObject({ status: 'executed', decided_by: 'alice' })
    const approved = (await airlock.audit.list({ status: 'approved' }, 1)).items[0]
    expect(approved?.context).toMatchObject({ channel: 'desk' })
  })
})
