/**
 * The requester coming back to a held request: `resume` runs an approved one
 * in this process (the handler lives here), or answers how it ended;
 * `ticket` hands an executor the approval's execution ticket instead.
 *
 * Guarantees: only the requester may do either. A settled request returns
 * its stored outcome (`replayed: true`); rejected and expired ones come back
 * as denied, audited as `replayed`. Asking for the ticket again returns one
 * with the same nonce and expiry, so one approval is never redeemed twice.
 *
 * @module
 */
import { AirlockError } from '../../errors/airlock-error.js'
import { ErrorCode } from '../../errors/error-codes.js'
import type { Principal } from '../../identity/principal.js'
import type { Outcome } from '../../outcome.js'
import type { Approval } from '../../store/store.js'
import { ticketForApproval } from '../../tickets/ticket-for-approval.js'
import { toPrincipal } from '../identify/identify.js'
import { type PipelineDeps, ticketSettings } from '../pipeline-deps.js'
import { approvalEvent } from '../record/approval-event.js'
import { runApproved } from './run-approved.js'

/** The approval, for its requester only. */
async function ownApproval(
  deps: Pick<PipelineDeps, 'approvals'>,
  principal: Principal,
  id: string,
  verb: string,
) {
  const approval = await deps.approvals.get(principal, id)
  if (approval.requester !== principal.actor_id) {
    throw new AirlockError(
      ErrorCode.FORBIDDEN,
      `Only the requester '${approval.requester}' may ${verb} '${id}'`,
    )
  }
  return approval
}

function notApproved(approval: Approval): AirlockError {
  return new AirlockError(
    ErrorCode.APPROVAL_ALREADY_DECIDED,
    `Approval '${approval.id}' is ${approval.status}, not approved`,
    { details: { status: approval.status } },
  )
}

/** The outcome a finished approval stands for, for a requester that comes back to it. */
async function settledOutcome(
  deps: Pick<PipelineDeps, 'recorder'>,
  approval: Approval,
): Promise<Outcome | null> {
  if (approval.status === 'executed' || approval.status === 'failed') {
    return { ...(approval.outcome as Outcome), replayed: true }
  }
  if (approval.status !== 'rejected' && approval.status !== 'expired') return null
  const reason =
    approval.status === 'rejected'
      ? `Rejected by ${approval.decided_by ?? 'an approver'}${approval.comment ? `: ${approval.comment}` : ''}`
      : `Approval expired at ${approval.expires_at}`
  const event = await deps.recorder.record('replayed', {
    ...approvalEvent(approval, approval.decided_by),
    reason,
    context: { original_status: approval.status },
  })
  return {
    status: 'denied',
    request_id: approval.request_id,
    audit_id: event.id,
    action: approval.action,
    replayed: true,
    code: 'POLICY',
    reason,
    rule: approval.rule,
    issues: [],
    decision: null,
  }
}

export async function resume(deps: PipelineDeps, caller: Principal | string, id: string): Promise<Outcome> {
  const approval = await ownApproval(deps, toPrincipal(caller), id, 'resume')
  if (approval.status === 'approved') {
    return (await runApproved(deps, approval, deps.approvals.open(approval), approval.decided_by)).outcome
  }
  const settled = await settledOutcome(deps, approval)
  if (settled) return settled
  throw notApproved(approval)
}

export async function approvalTicket(
  deps: PipelineDeps,
  caller: Principal | string,
  id: string,
): Promise<{ token: string; nonce: string; expires_at: string }> {
  const keys = deps.keys
  if (!keys)
    throw new AirlockError(ErrorCode.CONFIG_INVALID, 'Issuing tickets needs signing keys (config `keys`)')
  const approval = await ownApproval(deps, toPrincipal(caller), id, 'take the ticket of')
  if (approval.status !== 'approved' || approval.decided_at === null) throw notApproved(approval)
  const { inputs } = deps.approvals.open(approval)
  const issued = await ticketForApproval(keys, {
    action: approval.action,
    target: approval.target,
    params: inputs as Record<string, unknown>,
    caller: approval.requester,
    tenant: approval.tenant_id,
    audit_id: approval.request_id,
    approval_id: approval.id,
    approved_at: approval.decided_at,
    ...ticketSettings(deps),
    now: deps.now(),
  })
  return {
    token: issued.token,
    nonce: issued.claims.jti,
    expires_at: new Date(issued.claims.exp * 1000).toISOString(),
  }
}
