import type { ParamIssue } from '../actions/action-definition.js'
import type { RiskClass } from './risk-matrix.js'

export type DecisionResult = 'allow' | 'deny' | 'require_approval'

export const DECISION_RESULTS: readonly DecisionResult[] = ['allow', 'deny', 'require_approval']

/** The policy decision for one request. A deny is data, not an exception. */
export interface Decision {
  readonly decision: DecisionResult
  readonly reason: string
  /** Name of the rule that decided, or null for built-in outcomes (unknown action, invalid params, default). */
  readonly rule: string | null
  readonly action: string
  /** The requested target id, kept even when unknown to the inventory. */
  readonly target: string | null
  readonly caller: string
  readonly risk_class: RiskClass
  readonly effective_risk: RiskClass
  readonly param_errors: readonly ParamIssue[]
  readonly ticket_id: string | null
  /** The policy set that decided (`sha256:…`), when the caller runs a versioned set. */
  readonly policy_version?: string
}
