/**
 * `approvalPolicy`: which guarded calls wait for a human.
 *
 * @module
 */
import type { ApprovalRule } from './approval-rule.js'
import type { GuardedCall } from './guarded-call.js'

/** What a policy says about one call. */
export type ApprovalVerdict =
  | { readonly hold: false }
  | { readonly hold: true; readonly reason: string; readonly rule: string }

/** A set of rules; any one of them holds the call. */
export interface ApprovalPolicy {
  readonly rules: readonly ApprovalRule[]
  /** Whether `call` needs approval and, if so, the first rule that said so. */
  evaluate(call: GuardedCall): ApprovalVerdict
}

/**
 * Combines rules with OR: the first rule that holds decides.
 *
 * @remarks With no rules every call is held — forgetting to configure a
 * policy must not mean nothing is guarded. A rule that throws (custom rules
 * may) holds the call.
 *
 * @example
 * ```ts
 * const policy = approvalPolicy(amountOver({ arg: 'amount', threshold: 100 }), matchArgs({ env: '^prod' }))
 * ```
 */
export function approvalPolicy(...rules: readonly ApprovalRule[]): ApprovalPolicy {
  const list = Object.freeze([...rules])
  for (const rule of list) {
    if (typeof rule?.test !== 'function') throw new TypeError('approvalPolicy takes approval rules')
  }
  return {
    rules: list,
    evaluate(call) {
      if (list.length === 0)
        return { hold: true, reason: 'Every call needs approval (empty policy)', rule: 'always' }
      for (const rule of list) {
        let hit: ReturnType<ApprovalRule['test']>
        try {
          hit = rule.test(call)
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error)
          return { hold: true, reason: `${rule.name} failed (${message}); held`, rule: rule.name }
        }
        if (hit) return { hold: true, reason: hit.reason, rule: rule.name }
      }
      return { hold: false }
    },
  }
}
