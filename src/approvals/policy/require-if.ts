/**
 * `require_if` and `always`: hold calls by predicate, or every call.
 *
 * @module
 */
import type { ApprovalRule } from './approval-rule.js'
import type { GuardedCall } from './guarded-call.js'

/**
 * Holds a call when `predicate` returns a truthy value.
 *
 * @remarks The predicate must be synchronous; a returned promise is an
 * object, hence truthy, and holds. A predicate that throws holds the call
 * (the error message becomes part of the reason).
 */
export function requireIf(predicate: (call: GuardedCall) => unknown, name = 'require_if'): ApprovalRule {
  if (typeof predicate !== 'function') throw new TypeError('require_if needs a function')
  return {
    name,
    test(call) {
      try {
        return predicate(call) ? { reason: `${name} matched` } : null
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error)
        return { reason: `${name} failed (${message}); held because it could not decide` }
      }
    },
  }
}

/** Holds every call. */
export function always(): ApprovalRule {
  return { name: 'always', test: () => ({ reason: 'Every call needs approval' }) }
}
