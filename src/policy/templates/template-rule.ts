import type { DecisionResult } from '../decision.js'
import type { PolicyRequest, PolicyRule, RuleVerdict } from '../policy-rule.js'

/**
 * Native priority for a rule that had priority `p` in agent-action-policy,
 * where lower ran first and the default was 100: `100 - p`, so 5 → 95,
 * 10 → 90, 20 → 80, 50 → 50 and the old default 100 → 0.
 */
export function fromAapPriority(p: number): number {
  return 100 - p
}

/** What a template rule is made of. */
export interface TemplateRuleSpec {
  readonly name: string
  /** Priority in the original template (lower first); see {@link fromAapPriority}. */
  readonly aapPriority: number
  readonly decision: DecisionResult
  readonly reason: string
  /** Which tool (action) names the rule looks at. */
  readonly tools: (tool: string) => boolean
  /** Whether the call's arguments trigger the rule. */
  readonly matches: (request: PolicyRequest) => boolean
}

/** Builds a template rule from its parts. */
export function templateRule(spec: TemplateRuleSpec): PolicyRule {
  const verdict: RuleVerdict = { decision: spec.decision, reason: spec.reason, rule: spec.name }
  const { tools, matches } = spec
  return {
    name: spec.name,
    priority: fromAapPriority(spec.aapPriority),
    actions: { kind: 'test', test: tools },
    evaluate: (request) => (tools(request.action) && matches(request) ? verdict : null),
  }
}
