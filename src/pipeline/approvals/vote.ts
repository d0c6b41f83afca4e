/**
 * Deciding a held request: approve (and, at quorum, run it) or reject.
 *
 * Writes: the vote (atomic in the approval store: of concurrent final votes
 * exactly one wins), then an `approved`/`rejected` event. A refused attempt
 * to decide (self-approval, missing role) is audited as `denied`, and a late
 * vote that finds the approval past its TTL audits it as `expired`.
 *
 * @module
 */

import type { VoteOutcome } from '../../approvals/approval-service.js'
import { AirlockError } from '../../errors/airlock-error.js'
import { ErrorCode } from '../../errors/error-codes.js'
import type { Principal } from '../../identity/principal.js'
import type { Outcome } from '../../outcome.js'
import type { Approval } from '../../store/store.js'
import { toPrincipal } from '../identify/identify.js'
import type { PipelineDeps } from '../pipeline-deps.js'
import type { ApproveResult, DecideApprovalOptions } from '../pipeline-types.js'
import { approvalEvent } from '../record/approval-event.js'
import { executorTypeOf } from '../run/run-executor.js'
import { runApproved } from './run-approved.js'

type VoteDeps = Pick<PipelineDeps, 'approvals' | 'recorder' | 'tracer'>

async function auditRefusal(
  deps: VoteDeps,
  approver: Principal,
  id: string,
  verdict: string,
  error: unknown,
) {
  if (!AirlockError.isInstance(error)) return
  if (error.code === ErrorCode.APPROVAL_SELF_DECISION || error.code === ErrorCode.APPROVER_NOT_ALLOWED) {
    // A refused attempt to decide is worth seeing in the record: it may be an agent approving itself.
    const target = await deps.approvals.get(approver, id)
    await deps.recorder.record('denied', {
      ...approvalEvent(target, approver.actor_id),
      reason: `Refused to let '${approver.actor_id}' ${verdict}: ${error.message}`,
      context: { refused_decision: verdict, code: error.code },
    })
  }
  if (error.details?.status === 'expired' && error.details.expired_now === true) {
    const expired = await deps.approvals.get(approver, id)
    await deps.recorder.record('expired', {
      ...approvalEvent(expired, null),
      reason: `Approval expired at ${expired.expires_at}; a late decision by '${approver.actor_id}' was refused`,
    })
  }
}

/** A held request a freeze covers cannot be approved until the freeze is lifted (rejecting it stays possible). */
async function refuseIfFrozen(
  deps: Pick<PipelineDeps, 'approvals' | 'recorder' | 'freezes'>,
  approver: Principal,
  id: string,
): Promise<void> {
  await deps.freezes.loaded()
  if (deps.freezes.active().length === 0) return
  const held = await deps.approvals.get(approver, id)
  const freeze = deps.freezes.match({ actor_id: held.requester, tenant_id: held.tenant_id }, held.action)
  if (freeze === null) return
  const message = `Frozen: ${freeze.reason} (freeze ${freeze.id}); it cannot be approved until unfrozen`
  await deps.recorder.record('denied', {
    ...approvalEvent(held, approver.actor_id),
    reason: `Refused to let '${approver.actor_id}' approve: ${message}`,
    context: { refused_decision: 'approve', code: ErrorCode.APPROVAL_FROZEN, freeze_id: freeze.id },
  })
  throw new AirlockError(ErrorCode.APPROVAL_FROZEN, message)
}

async function vote(
  deps: VoteDeps,
  approver: Principal,
  id: string,
  verdict: 'approve' | 'reject',
  comment: string | null,
  view: 'full' | 'partial' = 'full',
): Promise<VoteOutcome> {
  try {
    return await deps.approvals.vote(approver, id, verdict, comment, view)
  } catch (error) {
    await auditRefusal(deps, approver, id, verdict, error)
    throw error
  }
}

/** Casts an approving vote in an `airlock.approve` span; a final one runs the request (its stages nest inside). */
export function approve(
  deps: PipelineDeps,
  id: string,
  options: DecideApprovalOptions,
): Promise<ApproveResult> {
  return deps.tracer.stage('approve', {}, async (annotate) => {
    const result = await castApproval(deps, id, options)
    annotate({
      'airlock.action': result.approval.action,
      'airlock.approval_id': result.approval.id,
      'airlock.approval_status': result.status,
      ...(result.status === 'decided' ? { 'airlock.status': result.outcome.status } : {}),
    })
    return result
  })
}

async function castApproval(
  deps: PipelineDeps,
  id: string,
  options: DecideApprovalOptions,
): Promise<ApproveResult> {
  const approver = toPrincipal(options.approver)
  const comment = options.comment ?? null
  const channel = options.channel ?? null
  await refuseIfFrozen(deps, approver, id)
  const view = options.shown_in_full === false ? 'partial' : 'full'
  const result = await vote(deps, approver, id, 'approve', comment, view)
  const approval = result.approval
  if (result.kind === 'pending') {
    await deps.recorder.record('approved', {
      ...approvalEvent(approval, approver.actor_id),
      reason: `Approval vote ${approval.votes.length} of ${approval.required_approvals}`,
      context: {
        comment,
        channel,
        votes: approval.votes.length,
        required: approval.required_approvals,
        final: false,
      },
    })
    return { status: 'pending', approval }
  }
  if (result.kind !== 'approved') throw new AirlockError(ErrorCode.INTERNAL, 'unexpected vote result')
  await deps.recorder.record('approved', {
    ...approvalEvent(approval, approver.actor_id, result.request.requester),
    context: { comment, channel, final: true },
  })
  const definition = deps.actions.get(approval.action)
  const runsHere =
    definition !== undefined &&
    definition.meta.execution !== 'requester' &&
    (definition.handler !== undefined || executorTypeOf(definition, deps.execution) !== null)
  if (!runsHere) {
    // The requester's process runs it (`approvals.resume`): the handler lives there, not here.
    // An action carried out by an executor runs wherever it is approved.
    return { status: 'approved', approval }
  }
  const executed = await runApproved(deps, approval, result.request, approver.actor_id)
  // The approver is not the requester: like everyone but the requester, they
  // see the outcome redacted, as it is stored on the approval.
  return {
    status: 'decided',
    approval: executed.approval,
    outcome: deps.recorder.redact(executed.outcome) as Outcome,
  }
}

/** Rejects a held request in an `airlock.reject` span. */
export function reject(deps: VoteDeps, id: string, options: DecideApprovalOptions): Promise<Approval> {
  return deps.tracer.stage('reject', {}, async (annotate) => {
    const approver = toPrincipal(options.approver)
    const comment = options.comment ?? null
    const approval = (await vote(deps, approver, id, 'reject', comment)).approval
    annotate({
      'airlock.action': approval.action,
      'airlock.approval_id': approval.id,
      'airlock.approval_status': approval.status,
    })
    await deps.recorder.record('rejected', {
      ...approvalEvent(approval, approver.actor_id),
      reason: comment,
      context: { comment, channel: options.channel ?? null },
    })
    return approval
  })
}
