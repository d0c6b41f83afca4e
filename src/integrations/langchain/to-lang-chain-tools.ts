/**
 * `toLangChainTools()`: LangChain tools that stay LangChain tools, governed by Airlock.
 *
 * @module
 */
import type { CallbackManagerForToolRun } from '@langchain/core/callbacks/manager'
import type { StructuredToolInterface } from '@langchain/core/tools'
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

const INTEGRATION = 'langchain'

/** Configuration of {@link toLangChainTools}. */
export interface LangChainToolsConfig extends ToolGovernanceConfig {
  /** A call that waits for a human: `interrupt` the graph (default) or `return` a message to the model. */
  readonly on_hold?: OnHold
}

type ToolConfig = { toolCall?: { id?: string }; configurable?: Record<string, unknown> } | undefined
type CallFn = (arg: unknown, runManager?: CallbackManagerForToolRun, config?: ToolConfig) => unknown

/** The JSON object Airlock's policies see: the parsed arguments, or `{ input }` for a string tool. */
export function toolInputs(arg: unknown): Record<string, unknown> {
  return typeof arg === 'object' && arg !== null && !Array.isArray(arg)
    ? (arg as Record<string, unknown>)
    : { input: arg }
}

/** Runs `_call` to its result, passing streamed tool events on to the callbacks as LangChain does. */
async function settle(raw: unknown, runManager: CallbackManagerForToolRun | undefined): Promise<unknown> {
  if (typeof raw !== 'object' || raw === null || !(Symbol.asyncIterator in raw)) return raw
  const generator = raw as AsyncGenerator<unknown, unknown>
  for (;;) {
    const step = await generator.next()
    if (step.done) return step.value
    await runManager?.handleToolEvent(step.value)
  }
}

/**
 * Governs LangChain tools (`tool()`, `StructuredTool`, `DynamicStructuredTool`).
 *
 * @remarks Each returned tool is the original one with only its `_call`
 * replaced (an object whose prototype is the original): `instanceof`, name,
 * description, schema, `responseFormat`, `invoke` with a `ToolCall` envelope
 * (a `ToolMessage` back) and callbacks behave as before, because LangChain's
 * own `call` still parses the input and drives the callbacks. Inside,
 * the parsed input goes through Airlock under the key `<thread_id>:<tool
 * call id>`; a denial becomes the tool's output for the model, and a call
 * that waits for a human pauses the graph (see {@link governWithInterrupt}).
 * Do not combine with {@link airlockMiddleware} on the same tools: each call
 * would be governed twice.
 */
export function toLangChainTools<T extends StructuredToolInterface>(
  tools: readonly T[],
  config: LangChainToolsConfig,
): T[] {
  checkGovernanceConfig(config, 'toLangChainTools')
  if (config.on_hold !== undefined && config.on_hold !== 'interrupt' && config.on_hold !== 'return') {
    throw new AirlockError(
      ErrorCode.CONFIG_INVALID,
      "toLangChainTools: on_hold must be 'interrupt' or 'return'",
    )
  }
  if (!Array.isArray(tools))
    throw new AirlockError(ErrorCode.CONFIG_INVALID, 'toLangChainTools expects an array of tools')
  return tools.map((tool) => governTool(tool, config))
}

function governTool<T extends StructuredToolInterface>(tool: T, config: LangChainToolsConfig): T {
  const original = (tool as unknown as { _call?: unknown })?._call
  if (typeof original !== 'function' || typeof tool.invoke !== 'function' || typeof tool.name !== 'string') {
    throw new AirlockError(
      ErrorCode.CONFIG_INVALID,
      'toLangChainTools governs LangChain tools (tool(), StructuredTool); got something without invoke/_call',
    )
  }
  const action = registerToolAction(config, INTEGRATION, tool)
  const { airlock } = config
  const caller = callerOf(config)
  const onHold = config.on_hold ?? 'interrupt'
  const governed = Object.create(tool) as T & { _call: CallFn }
  governed._call = async function (this: T, arg, runManager, toolConfig) {
    const result = await governWithInterrupt(
      airlock,
      {
        tool: tool.name,
        action,
        inputs: toolInputs(arg),
        caller,
        call_id: callKey(threadOf(toolConfig), toolConfig?.toolCall?.id),
        run: async () =>
          settle(await (original as CallFn).call(this, arg, runManager, toolConfig), runManager),
      },
      onHold,
    )
    if (result.kind === 'ran') return result.value
    const text = result.kind === 'denied' ? result.message : heldMessage(tool.name, result.approval_id)
    // A content-and-artifact tool must still return a pair.
    return (tool as { responseFormat?: string }).responseFormat === 'content_and_artifact'
      ? [text, null]
      : text
  }
  return governed
}
