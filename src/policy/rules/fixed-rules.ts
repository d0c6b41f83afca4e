/**
 * Rules with a fixed outcome: allow, deny or hold every request they apply to.
 *
 * @module
 */
import type { DecisionResult } from '../decision.js'
import type { PolicyRule, RuleVerdict } from '../policy-rule.js'
import { type RuleOptions, toActionFilter } from './rule-options.js'

function fixed(
  decision: DecisionResult,
  defaultName: string,
  reason: string,
  options: RuleOptions,
): PolicyRule {
  const name = options.name ?? defaultName
  const verdict: RuleVerdict = { decision, reason, rule: name }
  return {
    name,
    priority: options.priority ?? 0,
    actions: toActionFilter(options.actions),
    evaluate: () => verdict,
  }
}

/** A rule that allows every request it applies to. */
export function allowAll(options: RuleOptions = {}): PolicyRule {
  return fixed('allow', 'allow-all', 'Allowed by rule', options)
}

/** A rule that denies every request it applies to. */
export function denyAll(options: RuleOptions = {}): PolicyRule {
  return fixed('deny', 'deny-all', 'Denied by rule', options)
}

/** A rule that holds every request it applies to for human approval. */
export function requireApproval(options: RuleOptions = {}): PolicyRule {
  return fixed('require_approval', 'require-approval', 'Requires human approval', options)
}
