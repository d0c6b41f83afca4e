/**
 * `guard()`: put any function behind Airlock — policy, human approval, audit.
 *
 * @remarks The one place that knows the order of a guarded call: resolve it
 * (`resolve-call.ts`), submit it (`run-call.ts`), and when it is held, ask
 * the approvers (`ask-approvers.ts`) and act on their decision; the answer
 * comes from `finish-call.ts`. Every step is recorded by the pipeline the
 * runtime's Airlock runs.
 *
 * @module
 */
import type { Airlock } from '../airlock.js'
import { AirlockError } from '../errors/airlock-error.js'
import { ErrorCode } from '../errors/error-codes.js'
import { askApprovers, type Decision } from './ask-approvers.js'
import { defaultGuardRuntime } from './default-guard-runtime.js'
import type { DenialMessage } from './denial-message.js'
import { denyCall, finishCall } from './finish-call.js'
import { type GuardInternals, type GuardOptions, type GuardSettings, guardSettings } from './guard-options.js'
import { airlockGuardRuntime, type GuardRuntime } from './guard-runtime.js'
import { type ResolvedCall, resolveCall } from './resolve-call.js'
import { resumeApproved, runAfterTimeout, submitCall } from './run-call.js'

export type { GuardInternals, GuardOptions } from './guard-options.js'

/**
 * Wraps `fn` so every call is decided first: allowed calls run, denied ones
 * do not, and held ones wait for a human through the configured channels.
 *
 * @remarks The wrapper keeps `fn`'s name and parameter types and always
 * returns a promise. The function runs in this process (after approval via
 * `approvals.resume`), with its original arguments and `this`; its result or
 * error comes back unchanged. Every step is in the audit log: held, approved
 * or rejected (with the approver), started, executed or failed. Arguments
 * should be JSON-like: approvers see, and a resumed process gets, their JSON.
 *
 * @example
 * ```ts
 * const refund = guard(issueRefund, { policy: approvalPolicy(amountOver({ arg: 'amount', threshold: 100 })) })
 * await refund({ order_id: 'o-1', amount: 250 }) // waits for a human
 * ```
 */
export function guard<A extends unknown[], R>(
  fn: (...args: A) => R,
  options: GuardOptions<A> & { readonly on_denied: 'return' },
): (...args: A) => Promise<Awaited<R> | DenialMessage>
export function guard<A extends unknown[], R>(
  fn: (...args: A) => R,
  options?: GuardOptions<A>,
): (...args: A) => Promise<Awaited<R>>
export function guard<A extends unknown[], R>(
  fn: (...args: A) => R,
  options: GuardOptions<A> = {},
): (...args: A) => Promise<Awaited<R> | DenialMessage> {
  return guardWith(fn, options, {})
}

/** {@link guard} with internal knobs. */
export function guardWith<A extends unknown[], R>(
  fn: (...args: A) => R,
  options: GuardOptions<A>,
  internals: GuardInternals<A>,
): (...args: A) => Promise<Awaited<R> | DenialMessage> {
  const settings = guardSettings(fn, options)
  const runtime = runtimeOnce(options, settings)
  const wrapper = async function (this: unknown, ...args: A): Promise<Awaited<R> | DenialMessage> {
    const { airlock } = await runtime()
    const call = resolveCall(settings, internals, this, args)
    const outcome = await submitCall(airlock, settings, call)
    if (outcome.status !== 'pending_approval') {
      return finishCall(settings, outcome, call.scope) as Awaited<R> | DenialMessage
    }
    const decision = await askApprovers(airlock, settings, {
      approval_id: outcome.approval_id,
      notify: !outcome.replayed,
      verdict: call.verdict,
    })
    return (await afterDecision(airlock, settings, call, decision)) as Awaited<R> | DenialMessage
  }
  Object.defineProperty(wrapper, 'name', { value: fn.name, configurable: true })
  return wrapper
}

/** The runtime, opened at the first call (not at `guard()` time) and registered with the action once. */
function runtimeOnce<A extends unknown[]>(
  options: GuardOptions<A>,
  settings: GuardSettings<A>,
): () => Promise<GuardRuntime> {
  let runtime: Promise<GuardRuntime> | null = null
  return () => {
    runtime ??= (async () => {
      const rt = options.airlock
        ? airlockGuardRuntime(options.airlock, options.registry!)
        : await (options.runtime ?? defaultGuardRuntime())
      rt.register(settings.definition)
      return rt
    })()
    return runtime
  }
}

/** A held call once its approval left `pending`: denied, run after a timeout, or run (here or elsewhere) after approval. */
async function afterDecision<A extends unknown[]>(
  airlock: Airlock,
  settings: GuardSettings<A>,
  call: ResolvedCall,
  { approval, unreachable, notifications }: Decision,
): Promise<unknown> {
  switch (approval.status) {
    case 'rejected':
      return denyCall(settings, {
        kind: 'rejected',
        action: settings.name,
        reason: approval.comment ?? 'no reason given',
        approver: approval.decided_by,
        approval_id: approval.id,
        notifications,
      })
    case 'expired':
      if (unreachable === null && settings.on_timeout === 'allow') {
        return runAfterTimeout(airlock, settings, call, approval, notifications)
      }
      return denyCall(settings, {
        kind: 'expired',
        action: settings.name,
        reason: unreachable ?? `No decision within ${settings.timeout_ms} ms; the approval expired`,
        approver: null,
        approval_id: approval.id,
        notifications,
      })
    case 'pending':
      throw new AirlockError(ErrorCode.INTERNAL, `Approval '${approval.id}' is still pending after waiting`)
    default:
      return finishCall(
        settings,
        await resumeApproved(airlock, settings, call, approval),
        call.scope,
        notifications,
      )
  }
}
