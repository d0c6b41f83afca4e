/**
 * `airlockMiddleware()`: every tool call of a `createAgent` agent through Airlock.
 *
 * @module
 */
import { ToolMessage } from '@langchain/core/messages'
import { createMiddleware } from 'langchain'
import { AirlockError } from '../../errors/airlock-error.js'
import { ErrorCode } from '../../errors/error-codes.js'
import { heldMessage } from '../tool-call/held-message.js'
import {
  callerOf,
  checkGovernanceConfig,
  registerToolAction,
  type ToolGovernanceConfig,
} from '../tool-call/tool-governance.js'
import { callKey, governWithInterrupt, type OnHold, threadOf } from './hold-with-interrupt.js'
import { toolInputs } from './to-lang-chain-tools.js'

/** Configuration of {@link airlockMiddleware}. */
export interface AirlockMiddlewareConfig extends ToolGovernanceConfig {
  /** A call that waits for a human: `interrupt` the graph (default; needs a checkpointer) or `return` a message. */
  readonly on_hold?: OnHold
}

/** The text of a tool result that ran in another process (its JSON copy, as Airlock stored it). */
function storedContent(result: unknown): string {
  const kwargs = (result as { kwargs?: { content?: unknown } } | null)?.kwargs
  const content = kwargs?.content ?? result
  return typeof content === 'string' ? content : JSON.stringify(content)
}

/**
 * An agent middleware (`createAgent({ middleware: [airlockMiddleware(...)] })`)
 * whose `wrapToolCall` puts every tool call through Airlock.
 *
 * @remarks Each tool becomes an action (by its snake_case name) the first
 * time it is called. Allowed calls run the agent's own tool; denied ones
 * (policy, a human's rejection, an expired approval) come back to the model
 * as an error `ToolMessage` with the reason, and the agent goes on. A call
 * that waits for a human pauses the graph with `interrupt()`; resume it with
 * `agent.invoke(new Command({ resume: true }), config)` once the approval is
 * decided, from any process that shares the checkpointer and Airlock's
 * store. The idempotency key is `<thread_id>:<tool call id>`: an approved
 * call runs exactly once, however often the graph is resumed.
 */
export function airlockMiddleware(config: AirlockMiddlewareConfig) {
  checkGovernanceConfig(config, 'airlockMiddleware')
  if (config.on_hold !== undefined && config.on_hold !== 'interrupt' && config.on_hold !== 'return') {
    throw new AirlockError(
      ErrorCode.CONFIG_INVALID,
      "airlockMiddleware: on_hold must be 'interrupt' or 'return'",
    )
  }
  const { airlock } = config
  const caller = callerOf(config)
  const onHold = config.on_hold ?? 'interrupt'
  return createMiddleware({
    name: 'AirlockMiddleware',
    wrapToolCall: async (request, handler) => {
      const { toolCall } = request
      const name = String(toolCall.name)
      const action = registerToolAction(config, 'langchain', {
        name,
        description: String((request.tool as { description?: unknown } | undefined)?.description ?? ''),
      })
      const result = await governWithInterrupt(
        airlock,
        {
          tool: name,
          action,
          inputs: toolInputs(toolCall.args),
          caller,
          call_id: callKey(threadOf(undefined), toolCall.id),
          run: async () => handler(request),
        },
        onHold,
      )
      if (result.kind === 'ran' && !result.replayed)
        return result.value as Awaited<ReturnType<typeof handler>>
      const content =
        result.kind === 'ran'
          ? storedContent(result.value)
          : result.kind === 'denied'
            ? result.message
            : heldMessage(name, result.approval_id)
      return new ToolMessage({
        content,
        tool_call_id: toolCall.id ?? '',
        name,
        ...(result.kind === 'ran' ? {} : { status: 'error' as const }),
      })
    },
  })
}
