/**
 * What every AI SDK hook of this integration shares: which action a tool
 * runs as, the action itself, and how one tool call goes through the
 * pipeline (hold for approval, run once, replay).
 *
 * @module
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import { z } from 'zod'
import {
  type ActionDefinition,
  type Airlock,
  AirlockError,
  type Approval,
  type Denial,
  type DeniedOutcome,
  defineAction,
  denialMessage,
  ErrorCode,
  type Outcome,
  type Principal,
  type RiskClass,
} from '../../index.js'

/** Options every function of `airlock/ai-sdk` takes. */
export interface AiSdkAirlockOptions {
  readonly airlock: Airlock
  /** Who the agent acts as. Approvals are requested, and resumed, as this caller. */
  readonly caller: Principal | string
  /** Action name per tool name. Default: the tool name in snake_case (`deleteFile` → `delete_file`). */
  readonly actions?: Readonly<Record<string, string>>
}

/** The tool call in progress, so the action's handler can reach the tool's own `execute`. */
interface ToolCallScope {
  readonly action: string
  readonly tool_call_id: string | null
  /** Null while only holding or looking up: nothing may run then. */
  readonly run: ((inputs: unknown) => Promise<unknown>) | null
}

const toolCallScope = new AsyncLocalStorage<ToolCallScope>()

const ACTION_NAME = /^[a-z][a-z0-9_-]*$/

/** The action a tool runs as: an explicit mapping, else `getWeather` → `get_weather`. */
export function actionFor(options: AiSdkAirlockOptions, toolName: string): string {
  const mapped = options.actions?.[toolName]
  const name =
    mapped ??
    toolName
      .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
      .replace(/[^A-Za-z0-9_-]+/g, '_')
      .toLowerCase()
  if (!ACTION_NAME.test(name)) {
    throw new AirlockError(
      ErrorCode.CONFIG_INVALID,
      `Tool '${toolName}' has no valid action name ('${name}'); map it with the option actions: { '${toolName}': 'some_name' }`,
    )
  }
  return name
}

/**
 * The action a tool runs as. Its handler calls the tool's own `execute`, and
 * only inside the agent's tool call for the same tool-call id: an approver's
 * process (the gateway, the CLI) never runs it (`execution: 'requester'`).
 */
export function toolAction(name: string, description: string, risk: RiskClass): ActionDefinition {
  return defineAction({
    name,
    description,
    risk,
    // The SDK has already validated the input against the tool's own schema.
    input: z.looseObject({}),
    meta: { execution: 'requester', integration: 'ai-sdk' },
    handler: async (inputs, ctx) => {
      const scope = toolCallScope.getStore()
      if (!scope?.run || scope.action !== name || scope.tool_call_id !== ctx.idempotency_key) {
        throw new AirlockError(
          ErrorCode.FORBIDDEN,
          `Tool '${name}' runs only inside the agent's own call for it (tool call ${ctx.idempotency_key ?? 'unknown'})`,
        )
      }
      return scope.run(inputs)
    },
  }) as ActionDefinition
}

/** Tool inputs are JSON objects; anything else is passed as `{ input }` so policy still sees it. */
export function asInputs(input: unknown): Record<string, unknown> {
  return typeof input === 'object' && input !== null && !Array.isArray(input)
    ? (input as Record<string, unknown>)
    : { input }
}

/** The tool-call id was used before with other input: a replayed id must carry the very input it was submitted with. */
function isInputMismatch(error: unknown): boolean {
  return AirlockError.isInstance(error) && error.code === ErrorCode.IDEMPOTENCY_KEY_REUSED
}

function inputMismatchMessage(toolCallId: string | null): string {
  return `NOT RUN: the input of tool call ${toolCallId ?? ''} differs from the input that was submitted (and approved) under that id.`
}

/** What the pipeline says about a call that is not simply allowed. */
export type HoldResult =
  | { readonly kind: 'pass' }
  /**
   * Not to run: `policy` denied it, a `human` rejected it (or nobody decided
   * in time), or the call id was already used with other `input`.
   */
  | { readonly kind: 'denied'; readonly message: string; readonly by: 'policy' | 'human' | 'input' }
  | { readonly kind: 'held'; readonly approval: Approval }

function rejectionDenial(approval: Approval): Denial {
  return {
    kind: approval.status === 'expired' ? 'expired' : 'rejected',
    action: approval.action,
    reason:
      approval.status === 'expired'
        ? `The approval expired at ${approval.expires_at}`
        : (approval.comment ?? 'no reason given'),
    approver: approval.decided_by,
    approval_id: approval.id,
    notifications: [],
  }
}

function policyDenial(outcome: DeniedOutcome): Denial {
  return {
    kind: 'denied',
    action: outcome.action,
    reason: outcome.reason,
    approver: null,
    approval_id: null,
    notifications: [],
  }
}

/**
 * Submits a call that policy denies or holds, with the tool-call id as the
 * idempotency key, and nothing able to run: a held call gets its durable
 * approval (or, asked again, the same one back), a denied one its audited
 * denial. A call already settled under the key is left to `runToolCall`.
 */
export async function submitWithoutRunning(
  options: AiSdkAirlockOptions,
  action: string,
  inputs: Record<string, unknown>,
  toolCallId: string,
): Promise<HoldResult> {
  const { airlock, caller } = options
  let outcome: Outcome
  try {
    outcome = await toolCallScope.run({ action, tool_call_id: toolCallId, run: null }, () =>
      airlock.execute(action, inputs, { caller, idempotency_key: toolCallId }),
    )
  } catch (error) {
    if (!isInputMismatch(error)) throw error
    return { kind: 'denied', message: inputMismatchMessage(toolCallId), by: 'input' }
  }
  if (outcome.status === 'denied') {
    return { kind: 'denied', message: denialMessage(policyDenial(outcome)), by: 'policy' }
  }
  if (outcome.status !== 'pending_approval') return { kind: 'pass' }
  const approval = await airlock.approvals.get(caller, outcome.approval_id)
  if (approval.status === 'rejected' || approval.status === 'expired') {
    return { kind: 'denied', message: denialMessage(rejectionDenial(approval)), by: 'human' }
  }
  return { kind: 'held', approval }
}

/** Settles a (possibly streaming) tool result to its final value. */
async function settle(value: unknown): Promise<unknown> {
  const awaited = await value
  if (typeof awaited === 'object' && awaited !== null && Symbol.asyncIterator in awaited) {
    let last: unknown
    for await (const chunk of awaited as AsyncIterable<unknown>) last = chunk
    return last
  }
  return awaited
}

function notApprovedMessage(action: string, approval: Approval): string {
  return (
    `NOT RUN: \`${action}\` is waiting for a human decision (approval ${approval.id}, ${approval.status}). ` +
    'An approval that Airlock has not recorded does not count; wait for the decision.'
  )
}

/** What the model gets back for a call that ended without a result. */
function toToolResult(outcome: Outcome, approval: Approval | null): unknown {
  switch (outcome.status) {
    case 'executed':
      return outcome.result
    case 'failed':
      throw new AirlockError(ErrorCode.INTERNAL, outcome.error.message)
    case 'denied':
      return denialMessage(
        approval && (approval.status === 'rejected' || approval.status === 'expired')
          ? rejectionDenial(approval)
          : policyDenial(outcome),
      )
    case 'pending_approval':
      return `NOT RUN: \`${outcome.action}\` needs a human decision (approval ${outcome.approval_id}).`
  }
}

/**
 * One tool call through the pipeline, keyed by its tool-call id: allowed
 * calls run; a held call runs only once its Airlock approval is approved
 * (exactly once, across processes), whatever the client claims; a rejected
 * or denied one returns the reason as the tool's result.
 */
export async function runToolCall(
  options: AiSdkAirlockOptions,
  action: string,
  execute: (input: unknown, callOptions: unknown) => unknown,
  input: unknown,
  callOptions: { readonly toolCallId?: unknown; readonly abortSignal?: unknown },
): Promise<unknown> {
  const { airlock, caller } = options
  const toolCallId =
    typeof callOptions.toolCallId === 'string' && callOptions.toolCallId !== ''
      ? callOptions.toolCallId
      : null
  const signal = callOptions.abortSignal instanceof AbortSignal ? callOptions.abortSignal : undefined
  const scope: ToolCallScope = {
    action,
    tool_call_id: toolCallId,
    run: async (inputs) => settle(execute(inputs, callOptions)),
  }
  return toolCallScope.run(scope, async () => {
    let outcome: Outcome
    try {
      outcome = await airlock.execute(action, asInputs(input), {
        caller,
        idempotency_key: toolCallId,
        ...(signal ? { signal } : {}),
      })
    } catch (error) {
      if (!isInputMismatch(error)) throw error
      return inputMismatchMessage(toolCallId)
    }
    if (outcome.status !== 'pending_approval') return toToolResult(outcome, null)
    const approval = await airlock.approvals.get(caller, outcome.approval_id)
    if (approval.status === 'pending') return notApprovedMessage(action, approval)
    return toToolResult(await airlock.approvals.resume(caller, approval.id), approval)
  })
}
