/**
 * `guard()`: put any function behind Airlock — policy, human approval, audit.
 *
 * @module
 */
import type { ActionRegistry } from '../actions/action-registry.js'
import type { Airlock } from '../airlock.js'
import type { ApprovalNotice, Channel, NotificationResult } from '../approvals/channels/channel.js'
import { terminalChannel } from '../approvals/channels/terminal/terminal-channel.js'
import {
  type ApprovalPolicy,
  type ApprovalVerdict,
  approvalPolicy,
} from '../approvals/policy/approval-policy.js'
import { guardedCall } from '../approvals/policy/guarded-call.js'
import { canonicalJson } from '../audit/canonical-json.js'
import { createRedactor } from '../audit/redact.js'
import { AirlockError } from '../errors/airlock-error.js'
import { ErrorCode } from '../errors/error-codes.js'
import type { Principal } from '../identity/principal.js'
import type { Outcome } from '../outcome.js'
import type { RiskClass } from '../policy/risk-matrix.js'
import type { Approval } from '../store/store.js'
import { ApprovalDeniedError, type Denial } from './approval-denied-error.js'
import { type CallScope, callScope } from './call-scope.js'
import { defaultGuardRuntime } from './default-guard-runtime.js'
import { type DenialMessage, denialMessage } from './denial-message.js'
import { airlockGuardRuntime, type GuardRuntime } from './guard-runtime.js'
import { guardedAction, toActionName, toInputs } from './guarded-action.js'

/** Options of {@link guard}. */
export interface GuardOptions<A extends unknown[] = unknown[]> {
  /**
   * Which calls wait for a human. Without one every call waits — unless
   * `airlock` is given, whose policies then decide alone.
   */
  readonly policy?: ApprovalPolicy
  /** Decide with this Airlock's policies too (deny wins; any require_approval holds). Needs `registry`. */
  readonly airlock?: Airlock
  /** The `ActionRegistry` that `airlock` was created with, so the guarded function can become an action. */
  readonly registry?: ActionRegistry
  /** Where calls go through the pipeline; default: `./.airlock/airlock.db` (see `defaultGuardRuntime`). */
  readonly runtime?: GuardRuntime | Promise<GuardRuntime>
  /** Action name. Default: the function's name in snake_case. */
  readonly action?: string
  /** Shown to approvers. Default: `Calls <name>()`. */
  readonly description?: string
  /** Names of the positional arguments, for policies and for what approvers see. */
  readonly arg_names?: readonly string[]
  /** Who is asking (the requester; never allowed to approve their own call). Default `agent`. */
  readonly caller?: Principal | string
  /** Where approvers are asked. Default: the terminal. `[]`: nobody is notified; decisions arrive through the gateway or CLI. */
  readonly channels?: readonly Channel[]
  /** How long to wait for a decision. Default 15 minutes. */
  readonly timeout_ms?: number
  /** How often the store is checked while waiting. Default 250 ms. */
  readonly poll_ms?: number
  /** What a timeout means. Default `deny`; the approval expires either way. */
  readonly on_timeout?: 'deny' | 'allow'
  /** `throw` (default) an {@link ApprovalDeniedError}, or `return` a {@link DenialMessage} for an LLM. */
  readonly on_denied?: 'throw' | 'return'
  /**
   * Makes a call resumable: a process that calls again with the same key
   * (and the same arguments) picks up the same approval instead of asking
   * again, and gets the stored result once it ran. A function derives the key
   * from the arguments (e.g. a tool call id).
   */
  readonly idempotency_key?: string | ((...args: A) => string | null | undefined)
  /** Risk class of the action. Default `high`. */
  readonly risk?: RiskClass
  /** Distinct approvers needed. Default 1. */
  readonly required_approvals?: number
  /** Roles an approver must hold (any of them). */
  readonly approver_roles?: readonly string[]
  /** Told how each notification went (each is also recorded in the audit chain as `notified`). */
  readonly on_notification?: (approval_id: string, result: NotificationResult) => void
  /** Cancels waiting; the approval is expired. */
  readonly signal?: AbortSignal
}

/** Internal knobs for wrappers built on guard (tools). */
export interface GuardInternals<A extends unknown[]> {
  /** The arguments that make up the request (policy view, inputs); the rest are passed through. Default: all. */
  readonly request_args?: (args: A) => readonly unknown[]
}

const DEFAULT_TIMEOUT_MS = 15 * 60_000
const display = createRedactor()

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
  if (typeof fn !== 'function') throw new TypeError(`guard expects a function; got ${typeof fn}`)
  if (options.on_denied !== undefined && options.on_denied !== 'throw' && options.on_denied !== 'return') {
    throw new AirlockError(ErrorCode.CONFIG_INVALID, "on_denied must be 'throw' or 'return'")
  }
  if (options.on_timeout !== undefined && options.on_timeout !== 'deny' && options.on_timeout !== 'allow') {
    throw new AirlockError(ErrorCode.CONFIG_INVALID, "on_timeout must be 'deny' or 'allow'")
  }
  if (options.airlock && !options.registry) {
    throw new AirlockError(
      ErrorCode.CONFIG_INVALID,
      "guard with 'airlock' also needs 'registry': the ActionRegistry that airlock was created with",
    )
  }
  const name = options.action ?? toActionName(fn.name)
  if (name === null) {
    throw new AirlockError(
      ErrorCode.CONFIG_INVALID,
      "guard cannot name an anonymous function; pass option 'action'",
    )
  }
  const definition = guardedAction({
    name,
    description: options.description ?? `Calls ${fn.name || name}()`,
    risk: options.risk ?? 'high',
    arg_names: options.arg_names,
    approver_roles: options.approver_roles,
    required_approvals: options.required_approvals,
    fn: fn as (...args: never[]) => unknown,
  })
  // Without any policy to decide, everything waits: forgetting to configure must not mean unguarded.
  const policy: ApprovalPolicy | null = options.policy ?? (options.airlock ? null : approvalPolicy())
  const caller = options.caller ?? 'agent'
  const channels = options.channels ?? [terminalChannel()]
  const onDenied = options.on_denied ?? 'throw'

  let runtime: Promise<GuardRuntime> | null = null
  const getRuntime = (): Promise<GuardRuntime> => {
    runtime ??= (async () => {
      const rt = options.airlock
        ? airlockGuardRuntime(options.airlock, options.registry!)
        : await (options.runtime ?? defaultGuardRuntime())
      rt.register(definition)
      return rt
    })()
    return runtime
  }

  const deny = (denial: Denial): DenialMessage => {
    const message = denialMessage(denial)
    if (onDenied === 'return') return message
    throw new ApprovalDeniedError(denial, message)
  }

  const wrapper = async function (this: unknown, ...args: A): Promise<Awaited<R> | DenialMessage> {
    const { airlock } = await getRuntime()
    const requestArgs = internals.request_args ? internals.request_args(args) : args
    const verdict: ApprovalVerdict = policy
      ? policy.evaluate(guardedCall(name, requestArgs, options.arg_names))
      : { hold: false }
    const inputs = toInputs(requestArgs, options.arg_names)
    const key =
      typeof options.idempotency_key === 'function'
        ? options.idempotency_key(...args)
        : options.idempotency_key
    const scope: CallScope = {
      action: name,
      hold: verdict.hold ? { reason: verdict.reason, rule: verdict.rule } : null,
      after_timeout: null,
      this_arg: this,
      args,
      inputs_json: canonicalJson(inputs),
      settled: null,
    }
    const outcome = await callScope.run(scope, () =>
      airlock.execute(
        name,
        { ...inputs },
        { caller, idempotency_key: key ?? null, ...signalOption(options.signal) },
      ),
    )
    if (outcome.status !== 'pending_approval') return finish(outcome, scope)

    const notifications: NotificationResult[] = []
    const final = await waitForDecision(
      airlock,
      outcome.approval_id,
      !outcome.replayed,
      verdict,
      notifications,
    )
    switch (final.approval.status) {
      case 'rejected':
        return deny({
          kind: 'rejected',
          action: name,
          reason: final.approval.comment ?? 'no reason given',
          approver: final.approval.decided_by,
          approval_id: final.approval.id,
          notifications,
        })
      case 'expired': {
        if (final.unreachable === null && options.on_timeout === 'allow') {
          return runAfterTimeout(airlock, scope, inputs, key ?? null, final.approval, notifications)
        }
        return deny({
          kind: 'expired',
          action: name,
          reason:
            final.unreachable ??
            `No decision within ${options.timeout_ms ?? DEFAULT_TIMEOUT_MS} ms; the approval expired`,
          approver: null,
          approval_id: final.approval.id,
          notifications,
        })
      }
      case 'pending':
        throw new AirlockError(
          ErrorCode.INTERNAL,
          `Approval '${final.approval.id}' is still pending after waiting`,
        )
      default: {
        await settledElsewhere(airlock, final.approval)
        const resumed = await callScope.run(scope, () => airlock.approvals.resume(caller, final.approval.id))
        return finish(resumed, scope, notifications)
      }
    }
  }

  /** The function's own result or error when it ran here; the stored outcome when it ran before. */
  const finish = (
    outcome: Outcome,
    scope: CallScope,
    notifications: readonly NotificationResult[] = [],
  ): Awaited<R> | DenialMessage => {
    switch (outcome.status) {
      case 'executed':
        return (scope.settled?.ok ? scope.settled.value : outcome.result) as Awaited<R>
      case 'failed':
        if (scope.settled && !scope.settled.ok) throw scope.settled.error
        throw new AirlockError(ErrorCode.INTERNAL, `'${name}' failed: ${outcome.error.message}`, {
          details: { request_id: outcome.request_id, approval_id: outcome.approval_id, error: outcome.error },
        })
      case 'denied':
        return deny({
          kind: 'denied',
          action: name,
          reason: outcome.reason,
          approver: null,
          approval_id: null,
          notifications,
        })
      case 'pending_approval':
        throw new AirlockError(ErrorCode.INTERNAL, `'${name}' is unexpectedly still waiting for approval`)
    }
  }

  /** Notifies the channels and waits until the approval leaves `pending`. */
  const waitForDecision = async (
    airlock: Airlock,
    id: string,
    notify: boolean,
    verdict: ApprovalVerdict,
    notifications: NotificationResult[],
  ): Promise<{ approval: Approval; unreachable: string | null }> => {
    const approval = await airlock.approvals.get(caller, id)
    if (approval.status !== 'pending') return { approval, unreachable: null }
    const stopNotifying = new AbortController()
    const stopWaiting = new AbortController()
    const unreachable = new Error('no channel reached an approver')
    const onCancel = () => stopWaiting.abort(options.signal?.reason)
    options.signal?.addEventListener('abort', onCancel, { once: true })

    const active = notify ? channels : []
    if (active.length > 0) {
      const notice = toNotice(approval, definition.description, verdict)
      const runs = active.map((channel) =>
        notifyOne(airlock, channel, notice, stopNotifying.signal).then(async (result) => {
          notifications.push(result)
          options.on_notification?.(id, result)
          await airlock.approvals
            .notified(caller, id, {
              channel: result.channel,
              delivered: result.delivered,
              error: result.error,
            })
            .catch(() => undefined)
          return result
        }),
      )
      void Promise.all(runs).then((results) => {
        if (results.every((r) => !r.delivered)) stopWaiting.abort(unreachable)
      })
    }
    try {
      const decided = await airlock.approvals.wait(caller, id, {
        timeout_ms: options.timeout_ms ?? DEFAULT_TIMEOUT_MS,
        poll_ms: options.poll_ms ?? 250,
        signal: stopWaiting.signal,
      })
      return { approval: decided, unreachable: null }
    } catch (error) {
      if (!stopWaiting.signal.aborted) throw error
      // Nobody can decide (every channel failed) or the caller gave up: expire now rather than linger.
      const expired = await airlock.approvals.wait(caller, id, { timeout_ms: 0 })
      if (stopWaiting.signal.reason !== unreachable) throw options.signal?.reason ?? error
      const why = notifications.map((n) => `${n.channel}: ${n.error ?? 'not delivered'}`).join('; ')
      return {
        approval: expired,
        unreachable: expired.status === 'expired' ? `No channel could reach an approver (${why})` : null,
      }
    } finally {
      stopNotifying.abort()
      options.signal?.removeEventListener('abort', onCancel)
    }
  }

  /** One channel: deliver, and record a decision the channel obtained itself. */
  const notifyOne = async (
    airlock: Airlock,
    channel: Channel,
    notice: ApprovalNotice,
    signal: AbortSignal,
  ): Promise<NotificationResult> => {
    const base = { channel: channel.name, delivered: false, decision: null, approver: null, error: null }
    let decision: Awaited<ReturnType<Channel['notify']>>
    try {
      decision = await channel.notify(notice, { signal })
    } catch (error) {
      return { ...base, error: error instanceof Error ? error.message : String(error) }
    }
    if (decision === null || signal.aborted) return { ...base, delivered: true }
    const approver = typeof decision.approver === 'string' ? decision.approver : decision.approver.actor_id
    const decide = { approver: decision.approver, comment: decision.comment ?? null, channel: channel.name }
    try {
      if (decision.decision === 'approve') await airlock.approvals.approve(notice.approval_id, decide)
      else await airlock.approvals.reject(notice.approval_id, decide)
      return { ...base, delivered: true, decision: decision.decision, approver, error: null }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error)
      return { ...base, delivered: true, decision: decision.decision, approver, error: message }
    }
  }

  /** Waits while another process runs an approved request, so its outcome can be returned. */
  const settledElsewhere = async (airlock: Airlock, approval: Approval): Promise<void> => {
    const deadline = Date.now() + (options.timeout_ms ?? DEFAULT_TIMEOUT_MS)
    let current = approval
    while (current.status === 'executing' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, options.poll_ms ?? 250))
      current = await airlock.approvals.get(caller, approval.id)
    }
  }

  /** `on_timeout: 'allow'`: run without the approval, recorded as such; a hold by the Airlock's own policy still stands. */
  const runAfterTimeout = async (
    airlock: Airlock,
    held: CallScope,
    inputs: ReturnType<typeof toInputs>,
    key: string | null,
    expired: Approval,
    notifications: readonly NotificationResult[],
  ): Promise<Awaited<R> | DenialMessage> => {
    const scope: CallScope = {
      ...held,
      hold: null,
      after_timeout: `Approval ${expired.id} timed out and on_timeout is 'allow'`,
      settled: null,
    }
    const outcome = await callScope.run(scope, () =>
      airlock.execute(
        name,
        { ...inputs },
        { caller, idempotency_key: key === null ? null : `${key}:on-timeout` },
      ),
    )
    if (outcome.status === 'pending_approval') {
      await airlock.approvals.wait(caller, outcome.approval_id, { timeout_ms: 0 })
      return deny({
        kind: 'expired',
        action: name,
        reason:
          "No decision in time; on_timeout 'allow' cannot override the Airlock policy that requires approval",
        approver: null,
        approval_id: expired.id,
        notifications,
      })
    }
    return finish(outcome, scope, notifications)
  }

  Object.defineProperty(wrapper, 'name', { value: fn.name, configurable: true })
  return wrapper
}

function signalOption(signal: AbortSignal | undefined): { signal?: AbortSignal } {
  return signal ? { signal } : {}
}

/** The notice channels show: the approval's redacted inputs and the reason it was held. */
function toNotice(approval: Approval, description: string, verdict: ApprovalVerdict): ApprovalNotice {
  return {
    approval_id: approval.id,
    tenant_id: approval.tenant_id,
    action: approval.action,
    description,
    inputs: display.redact(approval.inputs),
    reason: verdict.hold ? verdict.reason : approval.reason,
    rule: verdict.hold ? verdict.rule : approval.rule,
    risk: approval.effective_risk,
    requester: approval.requester,
    required_approvals: approval.required_approvals,
    created_at: approval.created_at,
    expires_at: approval.expires_at,
  }
}
