/**
 * Resolve: one call of a guarded function, turned into the request the
 * pipeline runs and the scope that carries the call's own values through it.
 *
 * @module
 */
import type { ApprovalVerdict } from '../approvals/policy/approval-policy.js'
import { guardedCall } from '../approvals/policy/guarded-call.js'
import { canonicalJson } from '../audit/canonical-json.js'
import type { CallScope } from './call-scope.js'
import type { GuardInternals, GuardSettings } from './guard-options.js'
import { type GuardedInputs, toInputs } from './guarded-action.js'

/** One call, ready for the pipeline. */
export interface ResolvedCall {
  /** What the guard's own approval policy says about this call. */
  readonly verdict: ApprovalVerdict
  readonly inputs: GuardedInputs
  readonly idempotency_key: string | null
  readonly scope: CallScope
}

/**
 * Reads the approval policy's verdict and the call's inputs and key.
 *
 * @remarks Pure apart from calling the user's `idempotency_key` function:
 * nothing is written until the pipeline runs the request.
 */
export function resolveCall<A extends unknown[]>(
  settings: GuardSettings<A>,
  internals: GuardInternals<A>,
  thisArg: unknown,
  args: A,
): ResolvedCall {
  const requestArgs = internals.request_args ? internals.request_args(args) : args
  const verdict: ApprovalVerdict = settings.policy
    ? settings.policy.evaluate(guardedCall(settings.name, requestArgs, settings.arg_names))
    : { hold: false }
  const inputs = toInputs(requestArgs, settings.arg_names)
  const key =
    typeof settings.idempotency_key === 'function'
      ? settings.idempotency_key(...args)
      : settings.idempotency_key
  const scope: CallScope = {
    action: settings.name,
    hold: verdict.hold ? { reason: verdict.reason, rule: verdict.rule } : null,
    after_timeout: null,
    this_arg: thisArg,
    args,
    inputs_json: canonicalJson(inputs),
    settled: null,
  }
  return { verdict, inputs, idempotency_key: key ?? null, scope }
}
