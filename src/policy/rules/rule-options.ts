import type { ActionFilter } from '../policy-rule.js'

/** Options every code rule accepts. */
export interface RuleOptions {
  /** Rule name reported in decisions and audit records. */
  readonly name?: string
  /** Higher runs first. Default 0. */
  readonly priority?: number
  /** Action names the rule applies to (a list or an {@link ActionFilter}). Default: every action. */
  readonly actions?: readonly string[] | ActionFilter
}

/** The filter for `actions`: a list becomes a `names` filter, nothing means any action. */
export function toActionFilter(actions: RuleOptions['actions']): ActionFilter {
  if (actions === undefined) return { kind: 'any' }
  if (Array.isArray(actions)) return { kind: 'names', names: [...(actions as readonly string[])] }
  return actions as ActionFilter
}
