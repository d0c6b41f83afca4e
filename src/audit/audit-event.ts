import type { DecisionResult } from '../policy/decision.js'
import type { RiskClass } from '../policy/risk-matrix.js'

/**
 * What happened at one stage of one request. `allowed`, `denied`, `held`
 * come from authorize/hold; `started`, `executed`, `failed` from run;
 * `replayed` from claim; `notified`, `approved`, `rejected`, `expired` from
 * an approval and its channels; `policy_loaded`, `policy_rejected` from a
 * policy reload; `frozen`, `unfrozen` from the kill switch; `dry_run` from a
 * run asked to say what it would do without doing it; `auth_failed` sums up
 * the failed authentication from one client address over a window.
 */
export const AUDIT_STATUSES = [
  'allowed',
  'denied',
  'held',
  'started',
  'executed',
  'failed',
  'replayed',
  'notified',
  'approved',
  'rejected',
  'expired',
  'policy_loaded',
  'policy_rejected',
  'frozen',
  'unfrozen',
  'dry_run',
  'auth_failed',
] as const

export type AuditStatus = (typeof AUDIT_STATUSES)[number]

/** Fields every event carries as non-empty text. */
export const AUDIT_TEXT_FIELDS = ['id', 'ts', 'tenant_id', 'request_id', 'status', 'action', 'actor'] as const

/** Fields that hold text or null. */
export const AUDIT_NULLABLE_TEXT_FIELDS = [
  'target',
  'decision',
  'reason',
  'rule',
  'risk_class',
  'effective_risk',
  'error',
  'approval_id',
  'approver',
  'idempotency_key',
  'ticket_id',
] as const

/** Fields that hold a JSON value or null. */
export const AUDIT_JSON_FIELDS = ['inputs', 'result', 'context'] as const

/** An audit event as the pipeline submits it, before it joins the chain. Inputs and results are already redacted. */
export interface AuditEventInput {
  /** `evt-` followed by 24 hex characters. */
  readonly id: string
  /** ISO-8601 UTC with milliseconds. */
  readonly ts: string
  readonly tenant_id: string
  readonly request_id: string
  readonly status: AuditStatus
  readonly action: string
  readonly actor: string
  readonly target: string | null
  readonly decision: DecisionResult | null
  readonly reason: string | null
  readonly rule: string | null
  readonly risk_class: string | null
  readonly effective_risk: RiskClass | null
  readonly inputs: unknown
  readonly result: unknown
  readonly error: string | null
  readonly approval_id: string | null
  readonly approver: string | null
  readonly idempotency_key: string | null
  readonly ticket_id: string | null
  /** Anything else worth keeping (channel, comment, delegation, ...). Always JSON. */
  readonly context: Readonly<Record<string, unknown>> | null
}

/** An event in the chain. */
export interface AuditEvent extends AuditEventInput {
  /** Position in the chain, from 1, without gaps. */
  readonly seq: number
  readonly prev_hash: string
  /** `sha256(prev_hash || JCS(event without prev_hash and hash))`. */
  readonly hash: string
}
