/**
 * What the guarded call in progress asks of the pipeline, carried across awaits.
 *
 * @module
 */
import { AsyncLocalStorage } from 'node:async_hooks'

/**
 * The state of one guarded call while the pipeline runs it.
 *
 * @remarks The pipeline only passes plain inputs through; the guard needs a
 * little more on the way: whether its own approval policy holds this call,
 * and the call's original arguments and `this` so the function runs with the
 * very values it was given (not a JSON copy), and its raw result or thrown
 * error. An AsyncLocalStorage scope carries that through `execute` and
 * `resume` without a shared mutable flag, so concurrent calls cannot see each
 * other's state.
 */
export interface CallScope {
  readonly action: string
  /** Set when the guard's approval policy holds this call. */
  readonly hold: { readonly reason: string; readonly rule: string } | null
  /** Set when an expired approval is being overridden by `on_timeout: 'allow'`. */
  readonly after_timeout: string | null
  readonly this_arg: unknown
  readonly args: readonly unknown[]
  /** The inputs the call was submitted with, as canonical JSON, to check an approved request against. */
  readonly inputs_json: string
  settled:
    | { readonly ok: true; readonly value: unknown }
    | { readonly ok: false; readonly error: unknown }
    | null
}

/** The scope of the guarded call in progress, if any. */
export const callScope = new AsyncLocalStorage<CallScope>()
