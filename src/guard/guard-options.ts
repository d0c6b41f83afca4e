/**
 * What `guard()` accepts, checked once and resolved to the settings every
 * guarded call of one wrapper shares.
 *
 * @module
 */
import type { ActionDefinition } from '../actions/action-definition.js'
import type { ActionRegistry } from '../actions/action-registry.js'
import type { Airlock } from '../airlock.js'
import type { Channel, NotificationResult } from '../approvals/channels/channel.js'
import { terminalChannel } from '../approvals/channels/terminal/terminal-channel.js'
import { type ApprovalPolicy, approvalPolicy } from '../approvals/policy/approval-policy.js'
import { AirlockError } from '../errors/airlock-error.js'
import { ErrorCode } from '../errors/error-codes.js'
import type { Principal } from '../identity/principal.js'
import type { RiskClass } from '../policy/risk-matrix.js'
import type { GuardRuntime } from './guard-runtime.js'
import { type GuardedInputs, guardedAction, toActionName } from './guarded-action.js'

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
  /** Where calls go through the pipeline; default: `airlock.db` in the user's state folder (see `guardStateDir`). */
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

/** {@link GuardOptions} checked and with their defaults filled in: what every call of one wrapper shares. */
export interface GuardSettings<A extends unknown[] = unknown[]> {
  readonly name: string
  readonly definition: ActionDefinition<GuardedInputs>
  /** `null` when only the given Airlock's policies decide. */
  readonly policy: ApprovalPolicy | null
  readonly caller: Principal | string
  readonly channels: readonly Channel[]
  readonly on_denied: 'throw' | 'return'
  readonly on_timeout: 'deny' | 'allow'
  readonly timeout_ms: number
  readonly poll_ms: number
  readonly arg_names: readonly string[] | undefined
  readonly idempotency_key: GuardOptions<A>['idempotency_key']
  readonly on_notification: GuardOptions<A>['on_notification']
  readonly signal: AbortSignal | undefined
}

const DEFAULT_TIMEOUT_MS = 15 * 60_000
const DEFAULT_POLL_MS = 250

/** Rejects options that cannot work, at `guard()` time rather than at the first call. */
function checkOptions<A extends unknown[]>(fn: unknown, options: GuardOptions<A>): void {
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
}

/** Checks `options` and resolves them for `fn`; throws `CONFIG_INVALID` naming the option at fault. */
export function guardSettings<A extends unknown[]>(
  fn: (...args: A) => unknown,
  options: GuardOptions<A>,
): GuardSettings<A> {
  checkOptions(fn, options)
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
  return {
    name,
    definition,
    // Without any policy to decide, everything waits: forgetting to configure must not mean unguarded.
    policy: options.policy ?? (options.airlock ? null : approvalPolicy()),
    caller: options.caller ?? 'agent',
    channels: options.channels ?? [terminalChannel()],
    on_denied: options.on_denied ?? 'throw',
    on_timeout: options.on_timeout ?? 'deny',
    timeout_ms: options.timeout_ms ?? DEFAULT_TIMEOUT_MS,
    poll_ms: options.poll_ms ?? DEFAULT_POLL_MS,
    arg_names: options.arg_names,
    idempotency_key: options.idempotency_key,
    on_notification: options.on_notification,
    signal: options.signal,
  }
}
