import type { ActionDefinition } from '../actions/action-definition.js'
import type { Principal } from '../identity/principal.js'
import type { Target } from '../inventory/target.js'
import type { DecisionResult } from './decision.js'
import type { RiskClass } from './risk-matrix.js'

/** Everything a rule may look at. Built once per request; rules must not mutate it. */
export interface PolicyRequest {
  readonly action: string
  /** Undefined when the action is not registered (only reachable when unknown actions are evaluated). */
  readonly definition: ActionDefinition | undefined
  readonly args: Readonly<Record<string, unknown>>
  /** Requested target id (null when none was given). */
  readonly target_id: string | null
  /** Resolved target, undefined when none was given or the inventory does not know it. */
  readonly target: Target | undefined
  /** Undefined for an anonymous caller. */
  readonly caller: Principal | undefined
  readonly risk_class: RiskClass
  readonly effective_risk: RiskClass
  readonly ticket_id: string | null
  readonly now: Date
}

/** What a matching rule says. */
export interface RuleVerdict {
  readonly decision: DecisionResult
  readonly reason: string
  readonly rule: string
}

/**
 * A rule the engine can evaluate. Native YAML rules, agent-action-policy
 * rules, code rules and adapters for other engines (Cedar) all implement it.
 *
 * @remarks `evaluate` must be synchronous, pure and fast: it runs on every
 * request. Return `null` when the rule does not apply.
 */
export interface PolicyRule {
  readonly name: string
  /** Higher runs first; ties keep load order. */
  readonly priority: number
  /**
   * Which action names the rule can apply to. The engine indexes on it and
   * never calls `evaluate` for a request whose action is excluded here.
   */
  readonly actions: ActionFilter
  /**
   * A substring the flattened arguments (`flattenArgs`) must contain for the
   * rule to apply. Optional; the engine may skip the rule without calling
   * `evaluate` when the arguments lack it.
   */
  readonly args_literal?: string | undefined
  evaluate(request: PolicyRequest): RuleVerdict | null
}

/**
 * The action names a rule can apply to: a literal list (indexed by name), a
 * predicate (evaluated once per distinct action name, then cached), or any.
 */
export type ActionFilter =
  | { readonly kind: 'any' }
  | { readonly kind: 'names'; readonly names: readonly string[] }
  | { readonly kind: 'test'; readonly test: (action: string) => boolean }
