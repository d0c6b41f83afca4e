import type { DecisionResult } from '../../policy/decision.js'
import type { Approval, ApprovalStatus, ApprovalVote, NewApproval } from '../store.js'
import { isoTime } from './iso-time.js'
import { fromJsonColumn, jsonRoundTrip, toJsonColumn } from './json-column.js'
import { badRequest } from './store-error.js'

/** An approval as the SQL backends store it: JSON-valued fields are text. */
export interface ApprovalRow {
  id: string
  tenant_id: string
  action: string
  target: string | null
  requester: string
  requester_roles: string
  status: string
  decision: string
  reason: string
  rule: string | null
  risk_class: string
  effective_risk: string
  inputs: string | null
  sealed_inputs: string
  idempotency_key: string | null
  ticket_id: string | null
  request_id: string
  required_approvals: number
  votes: string
  decided_by: string | null
  comment: string | null
  created_at: string
  expires_at: string
  decided_at: string | null
  completed_at: string | null
  outcome: string | null
}

/** Column order used by inserts. */
export const APPROVAL_COLUMNS = [
  'id',
  'tenant_id',
  'action',
  'target',
  'requester',
  'requester_roles',
  'status',
  'decision',
  'reason',
  'rule',
  'risk_class',
  'effective_risk',
  'inputs',
  'sealed_inputs',
  'idempotency_key',
  'ticket_id',
  'request_id',
  'required_approvals',
  'votes',
  'decided_by',
  'comment',
  'created_at',
  'expires_at',
  'decided_at',
  'completed_at',
  'outcome',
] as const satisfies readonly (keyof ApprovalRow)[]

/**
 * Validates a new approval and gives it the exact shape every backend stores
 * and returns: times normalised, JSON values as they read back.
 */
export function newApproval(input: NewApproval): Approval {
  for (const field of ['id', 'tenant_id', 'action', 'requester', 'request_id'] as const) {
    if (typeof input[field] !== 'string' || input[field] === '') {
      throw badRequest(`approval ${field} must be a non-empty string`)
    }
  }
  if (!Number.isInteger(input.required_approvals) || input.required_approvals < 1) {
    throw badRequest(`required_approvals must be a positive integer, got ${String(input.required_approvals)}`)
  }
  return {
    id: input.id,
    tenant_id: input.tenant_id,
    action: input.action,
    target: input.target ?? null,
    requester: input.requester,
    requester_roles: [...input.requester_roles],
    status: 'pending',
    decision: input.decision,
    reason: input.reason,
    rule: input.rule ?? null,
    risk_class: input.risk_class,
    effective_risk: input.effective_risk,
    inputs: jsonRoundTrip(input.inputs) ?? null,
    sealed_inputs: input.sealed_inputs,
    idempotency_key: input.idempotency_key ?? null,
    ticket_id: input.ticket_id ?? null,
    request_id: input.request_id,
    required_approvals: input.required_approvals,
    votes: [],
    decided_by: null,
    comment: null,
    created_at: isoTime(input.created_at, 'created_at'),
    expires_at: isoTime(input.expires_at, 'expires_at'),
    decided_at: null,
    completed_at: null,
    outcome: null,
  }
}

/** Approval → row. */
export function approvalToRow(a: Approval): ApprovalRow {
  return {
    id: a.id,
    tenant_id: a.tenant_id,
    action: a.action,
    target: a.target,
    requester: a.requester,
    requester_roles: JSON.stringify(a.requester_roles),
    status: a.status,
    decision: a.decision,
    reason: a.reason,
    rule: a.rule,
    risk_class: a.risk_class,
    effective_risk: a.effective_risk,
    inputs: toJsonColumn(a.inputs),
    sealed_inputs: a.sealed_inputs,
    idempotency_key: a.idempotency_key,
    ticket_id: a.ticket_id,
    request_id: a.request_id,
    required_approvals: a.required_approvals,
    votes: JSON.stringify(a.votes),
    decided_by: a.decided_by,
    comment: a.comment,
    created_at: a.created_at,
    expires_at: a.expires_at,
    decided_at: a.decided_at,
    completed_at: a.completed_at,
    outcome: toJsonColumn(a.outcome),
  }
}

/** Row → approval. */
export function rowToApproval(r: ApprovalRow): Approval {
  return {
    id: r.id,
    tenant_id: r.tenant_id,
    action: r.action,
    target: r.target,
    requester: r.requester,
    requester_roles: JSON.parse(r.requester_roles) as string[],
    status: r.status as ApprovalStatus,
    decision: r.decision as DecisionResult,
    reason: r.reason,
    rule: r.rule,
    risk_class: r.risk_class,
    effective_risk: r.effective_risk,
    inputs: fromJsonColumn(r.inputs),
    sealed_inputs: r.sealed_inputs,
    idempotency_key: r.idempotency_key,
    ticket_id: r.ticket_id,
    request_id: r.request_id,
    required_approvals: Number(r.required_approvals),
    votes: JSON.parse(r.votes) as ApprovalVote[],
    decided_by: r.decided_by,
    comment: r.comment,
    created_at: r.created_at,
    expires_at: r.expires_at,
    decided_at: r.decided_at,
    completed_at: r.completed_at,
    outcome: fromJsonColumn(r.outcome),
  }
}
