import { AirlockError } from '../../errors/airlock-error.js'
import { ErrorCode } from '../../errors/error-codes.js'
import { DECISION_RESULTS, type DecisionResult } from '../decision.js'
import type { PolicyRequest, PolicyRule, RuleVerdict } from '../policy-rule.js'
import { isRiskClass, type RiskClass } from '../risk-matrix.js'
import { type RuleOptions, toActionFilter } from './rule-options.js'

/** Decision per risk class for {@link riskBased}. */
export type RiskDecisionMap = Readonly<Partial<Record<RiskClass, DecisionResult>>>

/** The map `riskBased()` uses when called without one. */
export const DEFAULT_RISK_DECISIONS: Readonly<Record<RiskClass, DecisionResult>> = {
  low: 'allow',
  medium: 'allow',
  high: 'require_approval',
  critical: 'deny',
}

/** Options for {@link riskBased}. */
export interface RiskBasedOptions extends RuleOptions {
  /** Which risk to look at. Default `effective_risk` (action risk × target sensitivity). */
  readonly use?: 'effective_risk' | 'risk_class'
}

/**
 * Maps the request's risk to a decision.
 *
 * @remarks Fails closed: a risk class missing from `map` is denied, never
 * allowed, and an explicit `{}` means "deny everything", not the default map.
 * Only an omitted map (`undefined`) gives {@link DEFAULT_RISK_DECISIONS}.
 */
export function riskBased(map?: RiskDecisionMap, options: RiskBasedOptions = {}): PolicyRule {
  const decisions: RiskDecisionMap = map ?? DEFAULT_RISK_DECISIONS
  for (const [risk, decision] of Object.entries(decisions)) {
    if (!isRiskClass(risk) || !DECISION_RESULTS.includes(decision as DecisionResult)) {
      throw new AirlockError(
        ErrorCode.CONFIG_INVALID,
        `riskBased(): invalid entry ${JSON.stringify(risk)}: ${JSON.stringify(decision)}`,
      )
    }
  }
  const name = options.name ?? 'risk-based'
  const field = options.use ?? 'effective_risk'
  return {
    name,
    priority: options.priority ?? 0,
    actions: toActionFilter(options.actions),
    evaluate(request: PolicyRequest): RuleVerdict {
      const risk = request[field]
      const decision = decisions[risk]
      if (decision === undefined) {
        return { decision: 'deny', reason: `No decision configured for ${risk} risk`, rule: name }
      }
      return { decision, reason: `${risk} risk`, rule: name }
    },
  }
}
