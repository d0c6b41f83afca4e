/**
 * `amount_over`: hold calls whose amount exceeds a threshold.
 *
 * @module
 */
import { AirlockError } from '../../errors/airlock-error.js'
import { ErrorCode } from '../../errors/error-codes.js'
import type { ApprovalRule } from './approval-rule.js'
import { describeArg, lookupArg } from './guarded-call.js'
import { parsePythonFloat } from './python-float.js'

/** Options of {@link amountOver}. */
export interface AmountOverOptions {
  /** The argument holding the amount: a name, or a position. */
  readonly arg: string | number
  /** Amounts strictly greater than this are held. Must be a finite number. */
  readonly threshold: number
}

/** The number an argument stands for, or why it is not usable. */
function toAmount(value: unknown): { ok: true; amount: number | bigint } | { ok: false; why: string } {
  if (typeof value === 'number') {
    return Number.isFinite(value)
      ? { ok: true, amount: value }
      : { ok: false, why: `${value} is not a finite number` }
  }
  if (typeof value === 'bigint') return { ok: true, amount: value }
  if (typeof value === 'string') {
    const parsed = parsePythonFloat(value)
    if (parsed === null) return { ok: false, why: 'it is not a number' }
    if (!Number.isFinite(parsed)) return { ok: false, why: `${parsed} is not a finite number` }
    return { ok: true, amount: parsed }
  }
  // Booleans, null, objects and arrays are not amounts; guessing would let a call through.
  return { ok: false, why: `a ${value === null ? 'null' : typeof value} is not an amount` }
}

/**
 * Holds a call when the argument's amount is greater than `threshold`.
 *
 * @remarks Numbers are used as they are; numeric strings are read by Python
 * `float()` rules (`" 250.5 "`, `"1_000"`, `"1e3"`; not `"0x1F4"` or `""`).
 * Anything unusable holds the call: a string that does not parse, NaN,
 * infinities, booleans, null, objects. So does a call whose arguments have no
 * names when `arg` is a name. An argument that is absent or `undefined`
 * (an optional argument left out) does not hold. The comparison is strict:
 * exactly `threshold` passes.
 *
 * @throws AirlockError `CONFIG_INVALID` when `arg` or `threshold` is unusable.
 */
export function amountOver(options: AmountOverOptions): ApprovalRule {
  const { arg, threshold } = options ?? ({} as Partial<AmountOverOptions>)
  const argOk = (typeof arg === 'string' && arg !== '') || (Number.isInteger(arg) && (arg as number) >= 0)
  if (!argOk || typeof threshold !== 'number' || !Number.isFinite(threshold)) {
    throw new AirlockError(
      ErrorCode.CONFIG_INVALID,
      "amount_over needs { arg: <name or position>, threshold: <finite number> }, e.g. { arg: 'amount', threshold: 100 }",
    )
  }
  const label = describeArg(arg)
  return {
    name: `amount_over(${typeof arg === 'number' ? `#${arg}` : arg} > ${threshold})`,
    test(call) {
      const found = lookupArg(call, arg)
      if (found.kind === 'unnamed') {
        return { reason: `Cannot see ${label}: the call's arguments have no names (pass arg_names)` }
      }
      if (found.kind === 'absent' || found.value === undefined) return null
      const amount = toAmount(found.value)
      if (!amount.ok) return { reason: `${label} cannot be read as an amount (${amount.why})` }
      return amount.amount > threshold
        ? { reason: `${label} is ${String(amount.amount)}, over ${threshold}` }
        : null
    },
  }
}
