/**
 * Policy rules written in code.
 *
 * @module
 */
export { allowAll, denyAll, requireApproval } from './fixed-rules.js'
export {
  DEFAULT_RISK_DECISIONS,
  type RiskBasedOptions,
  type RiskDecisionMap,
  riskBased,
} from './risk-based.js'
export { roleBased } from './role-based.js'
export type { RuleOptions } from './rule-options.js'
