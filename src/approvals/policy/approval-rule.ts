/**
 * The contract every approval rule implements.
 *
 * @module
 */
import type { GuardedCall } from './guarded-call.js'

/** Why a rule holds a call. */
export interface RuleHold {
  /** Shown to the approver and recorded in the audit log. */
  readonly reason: string
}

/**
 * One condition under which a guarded call needs a human.
 *
 * @remarks `test` must be synchronous and must not throw; the built-in rules
 * turn every failure (an unparseable amount, a throwing predicate) into a
 * hold, because a rule that cannot decide must never let a call through.
 */
export interface ApprovalRule {
  /** Short description, e.g. `amount_over(amount > 100)`. */
  readonly name: string
  /** A hold, or null when the rule does not ask for approval. */
  test(call: GuardedCall): RuleHold | null
}
