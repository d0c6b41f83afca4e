import type { SourceLocation } from '../errors/config-error.js'
import type { DecisionResult } from './decision.js'
import type { ActionFilter, PolicyRequest, PolicyRule, RuleVerdict } from './policy-rule.js'

/** One compiled condition of a rule's `match`. */
export type MatchCheck = (request: PolicyRequest) => boolean

/** What every rule loaded from a file has. */
export interface MatchRuleSpec {
  readonly name: string
  readonly priority: number
  readonly decision: DecisionResult
  readonly reason: string
}

/**
 * A rule loaded from a file: it applies when every compiled check holds, and
 * then always gives the same verdict. Native and agent-action-policy rules
 * differ only in how their checks are compiled.
 */
export class MatchRule implements PolicyRule {
  readonly name: string
  readonly priority: number
  readonly actions: ActionFilter
  readonly decision: DecisionResult
  readonly reason: string
  /** Where the rule was defined. */
  readonly source: SourceLocation
  readonly args_literal: string | undefined
  readonly #checks: readonly MatchCheck[]
  readonly #verdict: RuleVerdict

  constructor(
    spec: MatchRuleSpec,
    actions: ActionFilter,
    checks: readonly MatchCheck[],
    source: SourceLocation,
    argsLiteral?: string,
  ) {
    this.name = spec.name
    this.priority = spec.priority
    this.decision = spec.decision
    this.reason = spec.reason
    this.actions = actions
    this.source = source
    this.args_literal = argsLiteral
    this.#checks = checks
    this.#verdict = Object.freeze({ decision: spec.decision, reason: spec.reason, rule: spec.name })
  }

  evaluate(request: PolicyRequest): RuleVerdict | null {
    for (const check of this.#checks) if (!check(request)) return null
    return this.#verdict
  }
}
