/**
 * A held tool call pauses the LangGraph graph (`interrupt()`) instead of blocking a worker.
 *
 * @module
 */
import { getConfig, interrupt } from '@langchain/langgraph'
import type { Airlock } from '../../index.js'
import { governToolCall, type ToolCallRequest, type ToolCallResult } from '../tool-call/govern-tool-call.js'

/** What a held call hands to `interrupt()`: shown to whoever inspects `__interrupt__`. */
export interface AirlockInterrupt {
  readonly type: 'airlock_approval'
  readonly approval_id: string
  readonly tool: string
  readonly action: string
  readonly reason: string
  readonly expires_at: string
}

/** What to do with a call that waits for a human. */
export type OnHold =
  /** Pause the graph with `interrupt()`; resume it with `new Command({ resume: ... })` once decided (default). */
  | 'interrupt'
  /** Give the model a tool message saying it waits (for tools used outside a graph). */
  | 'return'

/**
 * The thread the call runs in, so the idempotency key (`<thread>:<tool call
 * id>`) stays unique when a model reuses call ids across conversations.
 */
export function threadOf(config: { configurable?: Record<string, unknown> } | undefined): string | null {
  let configurable = config?.configurable
  if (configurable === undefined) {
    try {
      configurable = (getConfig() as { configurable?: Record<string, unknown> } | undefined)?.configurable
    } catch {
      // Not inside a graph: no thread.
    }
  }
  const thread = configurable?.thread_id
  return typeof thread === 'string' || typeof thread === 'number' ? String(thread) : null
}

/** The idempotency key of a LangChain tool call. */
export function callKey(thread: string | null, call_id: string | undefined | null): string | null {
  if (!call_id) return null
  return thread === null ? call_id : `${thread}:${call_id}`
}

/**
 * Governs the call; while it waits for a human, pauses the graph.
 *
 * @remarks When the graph is resumed, LangGraph runs the tool node again:
 * the call goes through Airlock again under the same key, which runs it once
 * if its approval was granted, denies it if refused, and pauses again if it
 * is still undecided. The value passed to `Command({ resume })` is never
 * taken as a decision: a resume that claims `approved: true` for a pending
 * approval only pauses the graph again.
 */
export async function governWithInterrupt(
  airlock: Airlock,
  request: ToolCallRequest & { readonly tool: string },
  onHold: OnHold,
): Promise<ToolCallResult> {
  // Each pass asks Airlock afresh; `interrupt()` returns only once per resume value, then pauses again.
  for (;;) {
    const result = await governToolCall(airlock, request)
    if (result.kind !== 'held' || onHold === 'return') return result
    const payload: AirlockInterrupt = {
      type: 'airlock_approval',
      approval_id: result.approval_id,
      tool: request.tool,
      action: request.action,
      reason: result.reason,
      expires_at: result.expires_at,
    }
    interrupt(payload)
  }
}
