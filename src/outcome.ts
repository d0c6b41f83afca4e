import type { ParamIssue } from './actions/action-definition.js'
import type { Decision } from './policy/decision.js'

interface OutcomeBase {
  /** Correlates every audit event of the request. */
  readonly request_id: string
  /** Id of the audit event that recorded how the request ended. */
  readonly audit_id: string
  readonly action: string
  /** True when this is the stored outcome of an earlier call with the same idempotency key. */
  readonly replayed: boolean
}

/** Why a request was denied; lets transports choose a status code. */
export type DenialCode =
  | 'ACTION_NOT_FOUND'
  | 'INPUT_INVALID'
  | 'SCOPE_MISSING'
  | 'TARGET_TYPE'
  | 'POLICY'
  /** Rate limit or circuit breaker; see `retry_after_s`. */
  | 'RATE_LIMITED'
  /** The caller's cumulative risk passed the deny threshold. */
  | 'RISK_EXCEEDED'
  /** A freeze (the kill switch) covers the request; the reason is the freeze's. */
  | 'FROZEN'

export interface ExecutedOutcome<R = unknown> extends OutcomeBase {
  readonly status: 'executed'
  readonly result: R
  readonly approval_id: string | null
}

export interface DeniedOutcome extends OutcomeBase {
  readonly status: 'denied'
  readonly code: DenialCode
  readonly reason: string
  readonly rule: string | null
  readonly issues: readonly ParamIssue[]
  readonly decision: Decision | null
  /** With `RATE_LIMITED`: whole seconds until a retry can succeed. */
  readonly retry_after_s?: number
}

export interface PendingApprovalOutcome extends OutcomeBase {
  readonly status: 'pending_approval'
  readonly approval_id: string
  readonly reason: string
  readonly rule: string | null
  readonly expires_at: string
}

export interface FailedOutcome extends OutcomeBase {
  readonly status: 'failed'
  readonly error: { readonly message: string; readonly code: string | null }
  readonly approval_id: string | null
}

/** How a request through the pipeline ended. */
export type Outcome<R = unknown> = ExecutedOutcome<R> | DeniedOutcome | PendingApprovalOutcome | FailedOutcome
