/**
 * The view of one guarded call that approval rules look at.
 *
 * @module
 */

/**
 * One call to a guarded function, as approval rules see it.
 *
 * @remarks How arguments get names, in order:
 * 1. `arg_names` given to `guard()`: argument `i` is called `arg_names[i]`.
 * 2. Otherwise, a call with exactly one argument that is a plain object (the
 *    shape of tool calls: `refund({ order_id, amount })`): its own keys are
 *    the names.
 * 3. Otherwise the call has no names (`named` is null), and a rule that asks
 *    for an argument by name holds the call, since it cannot see it.
 *
 * Every argument can also be addressed by position (`arg: 0`).
 */
export interface GuardedCall {
  /** The action name the guarded function runs as. */
  readonly action: string
  /** The arguments as passed, by position. */
  readonly args: readonly unknown[]
  /** The arguments by name, or null when the call has none (see remarks). */
  readonly named: Readonly<Record<string, unknown>> | null
}

/** Where a rule's argument is: found (possibly `undefined`), absent, or not addressable because the call has no names. */
export type ArgLookup =
  | { readonly kind: 'found'; readonly value: unknown }
  | { readonly kind: 'absent' }
  | { readonly kind: 'unnamed' }

/** Whether `value` is a plain object (an object literal or `Object.create(null)`), not a class instance or array. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false
  const proto = Object.getPrototypeOf(value) as unknown
  return proto === Object.prototype || proto === null
}

/** Builds the rule view of a call; see {@link GuardedCall} for how names are assigned. */
export function guardedCall(
  action: string,
  args: readonly unknown[],
  arg_names?: readonly string[],
): GuardedCall {
  let named: Record<string, unknown> | null = null
  if (arg_names !== undefined && arg_names.length > 0) {
    named = {}
    arg_names.forEach((name, i) => {
      if (i < args.length) named![name] = args[i]
    })
  } else if (args.length === 1 && isPlainObject(args[0])) {
    named = { ...args[0] }
  }
  return { action, args, named }
}

/** Finds an argument by name or position. */
export function lookupArg(call: GuardedCall, arg: string | number): ArgLookup {
  if (typeof arg === 'number') {
    return arg < call.args.length ? { kind: 'found', value: call.args[arg] } : { kind: 'absent' }
  }
  if (call.named === null) return { kind: 'unnamed' }
  return Object.hasOwn(call.named, arg) ? { kind: 'found', value: call.named[arg] } : { kind: 'absent' }
}

/** How an argument reference reads in a reason: `amount` or `argument #2`. */
export function describeArg(arg: string | number): string {
  return typeof arg === 'number' ? `argument #${arg}` : `'${arg}'`
}
