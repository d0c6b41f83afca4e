import type { Context } from 'hono'
import { AirlockError } from '../../errors/airlock-error.js'
import { ErrorCode } from '../../errors/error-codes.js'
import type { Outcome } from '../../outcome.js'
import type { DashboardContext, DashboardEnv } from '../dashboard-context.js'
import { shortTime } from '../format.js'
import type { Session } from '../session-store.js'

type Flash = NonNullable<Session['flash']>
const MAX_COMMENT = 2000

function describeOutcome(outcome: Outcome): string {
  switch (outcome.status) {
    case 'executed':
      return 'it ran and succeeded'
    case 'failed':
      return `it ran and failed: ${outcome.error.message}`
    case 'denied':
      return `it was denied when re-checked: ${outcome.reason}`
    default:
      return `it is ${outcome.status}`
  }
}

/** Who won a race this decision lost, for the message. */
async function winner(ctx: DashboardContext, c: Context<DashboardEnv>, id: string): Promise<string> {
  const approval = await ctx.airlock.approvals.get(c.var.session.principal, id).catch(() => null)
  if (!approval) return ''
  if (approval.status === 'expired')
    return ` It expired at ${shortTime(approval.decided_at ?? approval.expires_at)}.`
  const by = approval.decided_by ?? approval.votes.at(-1)?.approver
  return by ? ` ${by} decided it first (${approval.status}) at ${shortTime(approval.decided_at)}.` : ''
}

async function refusalText(ctx: DashboardContext, c: Context<DashboardEnv>, id: string, error: AirlockError) {
  switch (error.code) {
    case ErrorCode.APPROVAL_SELF_DECISION:
      return `Refused: you asked for this yourself, so someone else must decide it. (${error.message})`
    case ErrorCode.APPROVER_NOT_ALLOWED:
      return `Refused: you lack the approver role for this action. (${error.message})`
    case ErrorCode.APPROVAL_ALREADY_DECIDED:
      return `Your decision was not recorded: ${error.message}.${await winner(ctx, c, id)}`
    case ErrorCode.APPROVAL_NOT_FOUND:
      return `No approval ${id} in your tenant.`
    default:
      return `Refused: ${error.message}`
  }
}

/**
 * Approves or rejects through `airlock.approvals`, as the signed-in user, and
 * says what happened in words.
 */
export async function decide(
  ctx: DashboardContext,
  c: Context<DashboardEnv>,
  id: string,
  verdict: 'approve' | 'reject',
): Promise<Flash> {
  const form = await c.req.parseBody()
  const raw = typeof form.comment === 'string' ? form.comment.trim() : ''
  if (raw.length > MAX_COMMENT)
    return { kind: 'error', text: `The comment is longer than ${MAX_COMMENT} characters.` }
  const options = {
    approver: c.var.session.principal,
    comment: raw === '' ? null : raw,
    channel: 'dashboard',
  }
  try {
    if (verdict === 'reject') {
      await ctx.airlock.approvals.reject(id, options)
      return { kind: 'ok', text: `Rejected ${id}; the request will not run.` }
    }
    const result = await ctx.airlock.approvals.approve(id, options)
    if (result.status === 'pending') {
      const a = result.approval
      return { kind: 'ok', text: `Vote counted: ${a.votes.length} of ${a.required_approvals} approvals.` }
    }
    if (result.status === 'approved') {
      return { kind: 'ok', text: `Approved ${id}; the requester's process runs it.` }
    }
    return { kind: 'ok', text: `Approved ${id}: ${describeOutcome(result.outcome)}.` }
  } catch (error) {
    if (AirlockError.isInstance(error)) return { kind: 'error', text: await refusalText(ctx, c, id, error) }
    throw error
  }
}
