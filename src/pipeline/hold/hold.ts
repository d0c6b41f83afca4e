/**
 * Hold: a request that needs a human becomes a pending approval.
 *
 * Reads: the authorized request. Writes: a `held` audit event, then the
 * approval (original inputs and requester sealed, inputs redacted for
 * display); then channels are told in the background.
 * Guarantees: the `held` event is durable before the approval exists, so
 * nothing can be decided (and run) that the audit chain does not know
 * about. A crash between the two leaves a `held` event and no approval: the
 * request was never runnable. Waiting across replicas (the approval's state
 * is in the shared store, never in this process) slots in here.
 *
 * @module
 */
import type { ActionDefinition } from '../../actions/action-definition.js'
import type { PendingApprovalOutcome } from '../../outcome.js'
import type { PipelineDeps } from '../pipeline-deps.js'
import type { AuthorizedRequest, RequestContext } from '../request-context.js'

export async function hold(
  deps: Pick<PipelineDeps, 'approvals' | 'recorder' | 'notifier'>,
  ctx: RequestContext,
  auth: AuthorizedRequest,
  definition: ActionDefinition,
): Promise<PendingApprovalOutcome> {
  const { decision } = auth
  const held = deps.approvals.prepare({
    principal: ctx.principal,
    definition,
    decision,
    inputs: auth.evaluation.inputs,
    request_id: ctx.request_id,
    idempotency_key: ctx.idempotency_key,
  })
  const event = await deps.recorder.record('held', {
    request_id: ctx.request_id,
    principal: ctx.principal,
    action: ctx.action,
    idempotency_key: ctx.idempotency_key,
    ticket_id: ctx.ticket_id,
    decision,
    inputs: auth.evaluation.inputs,
    reason: decision.reason,
    approval_id: held.id,
    context: { expires_at: held.expires_at, required_approvals: held.required_approvals, ...auth.context },
  })
  const approval = await deps.approvals.create(held)
  deps.notifier.notify(approval, definition.description)
  return {
    status: 'pending_approval',
    request_id: ctx.request_id,
    audit_id: event.id,
    action: ctx.action,
    replayed: false,
    approval_id: approval.id,
    reason: decision.reason,
    rule: decision.rule,
    expires_at: approval.expires_at,
  }
}
