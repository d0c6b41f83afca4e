/**
 * Running an approved request: approved → executing → executed | failed,
 * exactly once across processes (the store's `executing` transition is
 * atomic). Resolve, validate, scopes and policy run again first — the same
 * stage functions as `execute` — for the requester as they were when they
 * asked, with the original (sealed) inputs; then the run stage.
 *
 * Guarantees: whatever happens, the approval leaves `executing`; a crash
 * inside the run leaves it `executing` with a `started` event as evidence.
 *
 * @module
 */
import type { SealedRequest } from '../../approvals/approval-service.js'
import type { Outcome } from '../../outcome.js'
import type { Approval } from '../../store/store.js'
import { authorizeDecision } from '../authorize/authorize-decision.js'
import type { PipelineDeps } from '../pipeline-deps.js'
import { approvalEvent } from '../record/approval-event.js'
import { failedOutcome } from '../record/outcomes.js'
import { resolveRequest } from '../resolve/resolve-request.js'
import { run } from '../run/run.js'

export async function runApproved(
  deps: PipelineDeps,
  approval: Approval,
  sealed: SealedRequest,
  approver: string | null,
): Promise<{ approval: Approval; outcome: Outcome }> {
  const claimed = await deps.approvals.startExecution(approval)
  let outcome: Outcome = failedOutcome(
    approval.request_id,
    '',
    approval.action,
    { message: 'The approved request stopped before its outcome was recorded', code: 'RESULT_UNKNOWN' },
    approval.id,
  )
  try {
    outcome = await recheckAndRun(deps, approval, sealed, approver)
  } finally {
    // Whatever happened, leave `executing`: an approval must never be stuck there.
    const completed = await deps.approvals
      .complete(claimed, outcome.status === 'executed' ? 'executed' : 'failed', outcome)
      .catch(() => null)
    approval = completed ?? claimed
  }
  return { approval, outcome }
}

async function recheckAndRun(
  deps: PipelineDeps,
  approval: Approval,
  sealed: SealedRequest,
  approver: string | null,
): Promise<Outcome> {
  const requester = sealed.requester
  const evaluation = resolveRequest(deps, {
    action: approval.action,
    inputs: sealed.inputs as Record<string, unknown>,
    principal: requester,
    target: approval.target,
    ticket_id: approval.ticket_id,
  })
  const { decision, code } = authorizeDecision(evaluation, requester)
  const definition = evaluation.definition
  if (!definition || decision.decision === 'deny') {
    const reason = `Denied at approval time: ${decision.reason}`
    const event = await deps.recorder.record('denied', {
      ...approvalEvent(approval, approver, requester),
      decision,
      reason,
    })
    return {
      status: 'denied',
      request_id: approval.request_id,
      audit_id: event.id,
      action: approval.action,
      replayed: false,
      code: code ?? 'POLICY',
      reason,
      rule: decision.rule,
      issues: decision.param_errors,
      decision,
    }
  }
  const attributes = {
    'airlock.action': approval.action,
    'airlock.decision': decision.decision,
    'airlock.rule': decision.rule ?? '',
  }
  return deps.tracer.stage('run', attributes, () =>
    run(deps, definition, evaluation.inputs, {
      request_id: approval.request_id,
      principal: requester,
      decision,
      target: evaluation.target,
      approval_id: approval.id,
      approver,
      idempotency_key: approval.idempotency_key,
      signal: undefined,
    }),
  )
}
