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

/**
 * What a dry run found: the decision a real run would meet and, when it
 * would not be denied, exactly what would be sent (argv, request or API
 * call). Nothing ran, no ticket was consumed, no credential was fetched.
 */
export interface DryRunOutcome extends OutcomeBase {
  readonly status: 'dry_run'
  /** `allow`: a real run would execute now; `require_approval`: it would be held first. */
  readonly decision: Decision
  /** The executor type, or `handler` for an action carried out by an in-process handler. */
  readonly executor: string
  /** The exact call, with credential values masked; null for in-process handlers. */
  readonly call: unknown
  /** The prechecks a real run would make, by name (none is run). */
  readonly prechecks: readonly { readonly name: string; readonly advisory: boolean }[]
  /** Which provider would supply the credential, and what it would read; null when none is declared. */
  readonly credential: { readonly type: string; readonly provider: string; readonly location: string } | null
  readonly warnings: readonly string[]
}

/** How a request through the pipeline ended. */
export type Outcome<R = unknown> = ExecutedOutcome<R> | DeniedOutcome | PendingApprovalOutcome | FailedOutcome
