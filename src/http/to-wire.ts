/**
 * Pipeline values as the API shows them: an explicit list of fields for each,
 * so a field added to a core type never reaches clients by accident (the
 * sealed inputs of an approval above all).
 *
 * @module
 */
import type { ActionDefinition } from '../actions/action-definition.js'
import type { CheckResult } from '../airlock.js'
import type { DryRunOutcome, Outcome } from '../outcome.js'
import type { Approval } from '../store/store.js'

/** An action as listed by `GET actions`. */
export function toWireAction(definition: ActionDefinition): Record<string, unknown> {
  return {
    name: definition.name,
    description: definition.description,
    risk: definition.risk,
    required_scopes: definition.required_scopes,
    approval_required: definition.approval_required,
    tags: definition.tags,
    target_types: definition.target_types,
    input_schema: definition.input_schema,
  }
}

/** A dry run as the execute route returns it with `?dry_run=true`. */
export function toWireDryRun(outcome: DryRunOutcome): Record<string, unknown> {
  return {
    status: outcome.status,
    action: outcome.action,
    request_id: outcome.request_id,
    audit_id: outcome.audit_id,
    replayed: outcome.replayed,
    decision: outcome.decision.decision,
    reason: outcome.decision.reason,
    rule: outcome.decision.rule,
    executor: outcome.executor,
    call: outcome.call,
    prechecks: outcome.prechecks,
    credential: outcome.credential,
    warnings: outcome.warnings,
  }
}

/** An outcome as the execute route returns it. */
export function toWireOutcome(outcome: Outcome): Record<string, unknown> {
  const base = {
    status: outcome.status,
    action: outcome.action,
    request_id: outcome.request_id,
    audit_id: outcome.audit_id,
    replayed: outcome.replayed,
  }
  switch (outcome.status) {
    case 'executed':
      return { ...base, result: outcome.result, approval_id: outcome.approval_id }
    case 'pending_approval':
      return {
        ...base,
        approval_id: outcome.approval_id,
        reason: outcome.reason,
        rule: outcome.rule,
        expires_at: outcome.expires_at,
      }
    case 'denied':
      return {
        ...base,
        code: outcome.code,
        reason: outcome.reason,
        rule: outcome.rule,
        issues: outcome.issues,
        ...(outcome.retry_after_s === undefined ? {} : { retry_after_s: outcome.retry_after_s }),
      }
    case 'failed':
      return {
        ...base,
        error: { message: outcome.error.message, code: outcome.error.code },
        approval_id: outcome.approval_id,
      }
  }
}

/** An approval without its sealed inputs. */
export function toWireApproval(approval: Approval): Record<string, unknown> {
  return {
    id: approval.id,
    tenant_id: approval.tenant_id,
    action: approval.action,
    target: approval.target,
    status: approval.status,
    requester: approval.requester,
    requester_roles: approval.requester_roles,
    decision: approval.decision,
    reason: approval.reason,
    rule: approval.rule,
    risk_class: approval.risk_class,
    effective_risk: approval.effective_risk,
    inputs: approval.inputs,
    idempotency_key: approval.idempotency_key,
    ticket_id: approval.ticket_id,
    request_id: approval.request_id,
    required_approvals: approval.required_approvals,
    votes: approval.votes.map((v) => ({ approver: v.approver, comment: v.comment, at: v.at })),
    decided_by: approval.decided_by,
    comment: approval.comment,
    created_at: approval.created_at,
    expires_at: approval.expires_at,
    decided_at: approval.decided_at,
    completed_at: approval.completed_at,
    outcome: approval.outcome,
  }
}

/** A policy decision as `check` returns it. */
export function toWireDecision(decision: CheckResult): Record<string, unknown> {
  return {
    decision: decision.decision,
    reason: decision.reason,
    rule: decision.rule,
    action: decision.action,
    target: decision.target,
    caller: decision.caller,
    risk_class: decision.risk_class,
    effective_risk: decision.effective_risk,
    param_errors: decision.param_errors,
    ticket_id: decision.ticket_id,
    audit_id: decision.audit_id,
    ticket:
      decision.ticket === null
        ? null
        : {
            token: decision.ticket.token,
            nonce: decision.ticket.nonce,
            expires_at: decision.ticket.expires_at,
          },
    ...(decision.retry_after_s === undefined ? {} : { retry_after_s: decision.retry_after_s }),
  }
}
