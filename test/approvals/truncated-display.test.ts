/**
 * Approvers must see everything they approve: a channel that cuts the inputs
 * says so with their full size and hash, and a policy can refuse approvals
 * given through such a channel.
 */
import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { defineAction } from '../../src/actions/define-action.js'
import { createAirlock } from '../../src/airlock.js'
import type { ApprovalNotice } from '../../src/approvals/channels/channel.js'
import { approvalMessage } from '../../src/approvals/channels/slack/slack-message.js'
import { formatTerminalNotice } from '../../src/approvals/channels/terminal/terminal-channel.js'
import { localPrincipal } from '../../src/identity/principal.js'
import { allowAll } from '../../src/policy/rules/index.js'

function notice(inputs: unknown): ApprovalNotice {
  return {
    approval_id: 'apr_1',
    tenant_id: 'default',
    action: 'run_sql',
    description: 'Runs SQL',
    inputs,
    reason: 'writes',
    rule: null,
    risk: 'high',
    requester: 'agent',
    required_approvals: 1,
    created_at: '2026-01-01T00:00:00Z',
    expires_at: '2026-01-02T00:00:00Z',
  }
}

const hidden = `SELECT 1; ${'-- padding '.repeat(80)} DROP TABLE users;`
const long = { sql: hidden }
const digest = createHash('sha256').update(JSON.stringify(long)).digest('hex')

describe('truncated display', () => {
  it('the terminal says the inputs were cut, with their full size, hash and where to read them', () => {
    const text = formatTerminalNotice(notice(long))
    expect(text).not.toContain('DROP TABLE')
    expect(text).toContain('Inputs truncated')
    expect(text).toContain(`${Buffer.byteLength(JSON.stringify(long))} bytes`)
    expect(text).toContain(digest)
    expect(text).toContain('airlock approval show apr_1')
  })

  it('the terminal marks arguments left out beyond the first fifty', () => {
    const many = Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`a${i}`, i]))
    expect(formatTerminalNotice(notice(many))).toContain('Inputs truncated')
  })

  it('shows short inputs whole, without a marker', () => {
    expect(formatTerminalNotice(notice({ sql: 'SELECT 1' }))).not.toContain('truncated')
  })

  it('Slack adds a warning with size and hash when the arguments were cut', () => {
    const text = JSON.stringify(approvalMessage(notice(long)).blocks)
    expect(text).toContain('Inputs truncated')
    expect(text).toContain(digest)
    expect(JSON.stringify(approvalMessage(notice({ sql: 'SELECT 1' })).blocks)).not.toContain('truncated')
  })
})

function sqlAirlock(require_full_view: boolean) {
  const runs: unknown[] = []
  const runSql = defineAction({
    name: 'run_sql',
    description: 'Runs SQL',
    input: z.object({ sql: z.string() }),
    risk: 'high',
    approval_required: true,
    handler: (input) => {
      runs.push(input)
      return { ok: true }
    },
  })
  const airlock = createAirlock({
    actions: [runSql],
    policies: [allowAll()],
    approvals: { require_full_view },
  })
  return { runs, airlock }
}

describe('approvals.require_full_view', () => {
  const lead = localPrincipal('lead', { roles: ['approver'] })

  it('refuses an approval through a channel that could not show the whole request', async () => {
    const { runs, airlock } = sqlAirlock(true)
    const held = await airlock.execute('run_sql', long, { caller: 'agent' })
    if (held.status !== 'pending_approval') throw new Error('expected a hold')
    await expect(
      airlock.approvals.approve(held.approval_id, {
        approver: lead,
        channel: 'terminal',
        shown_in_full: false,
      }),
    ).rejects.toMatchObject({ code: 'APPROVER_NOT_ALLOWED' })
    expect(runs).toEqual([])
    expect((await airlock.approvals.get(lead, held.approval_id)).status).toBe('pending')
    const refused = await airlock.audit.list({ approval_id: held.approval_id, status: 'denied' }, 5)
    expect(refused.items).toHaveLength(1)
    // Seen whole (the dashboard, the API), the same approval goes through.
    await airlock.approvals.approve(held.approval_id, { approver: lead, channel: 'http' })
    expect(runs).toEqual([long])
  })

  it('lets a partial view approve when the option is off', async () => {
    const { runs, airlock } = sqlAirlock(false)
    const held = await airlock.execute('run_sql', long, { caller: 'agent' })
    if (held.status !== 'pending_approval') throw new Error('expected a hold')
    await airlock.approvals.approve(held.approval_id, { approver: lead, shown_in_full: false })
    expect(runs).toEqual([long])
  })
})
