import { AirlockError } from '../../errors/airlock-error.js'
import { ErrorCode } from '../../errors/error-codes.js'
import type { PolicyRequest, PolicyRule, RuleVerdict } from '../policy-rule.js'
import { type RuleOptions, toActionFilter } from './rule-options.js'

/**
 * Allows callers holding any of `roles`; denies everyone else, including
 * anonymous callers.
 *
 * @remarks Only the caller's own roles count, not those of principals earlier
 * in a delegation chain: delegating must not widen what an agent may do.
 */
export function roleBased(roles: readonly string[], options: RuleOptions = {}): PolicyRule {
  if (roles.length === 0) {
    throw new AirlockError(ErrorCode.CONFIG_INVALID, 'roleBased() needs at least one role')
  }
  const allowed = new Set(roles)
  const name = options.name ?? 'role-based'
  const listed = [...allowed].join(', ')
  return {
    name,
    priority: options.priority ?? 0,
    actions: toActionFilter(options.actions),
    evaluate(request: PolicyRequest): RuleVerdict {
      const held = request.caller?.roles.find((role) => allowed.has(role))
      return held === undefined
        ? { decision: 'deny', reason: `Caller has none of the roles: ${listed}`, rule: name }
        : { decision: 'allow', reason: `Caller has role ${held}`, rule: name }
    },
  }
}
