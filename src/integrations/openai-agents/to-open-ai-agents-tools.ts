/**
 * `toOpenAiAgentsTools()`: OpenAI Agents function tools whose approvals and runs Airlock decides.
 *
 * @module
 */
import type { FunctionTool, RunContext } from '@openai/agents'
import { AirlockError } from '../../errors/airlock-error.js'
import { ErrorCode } from '../../errors/error-codes.js'
import { governToolCall } from '../tool-call/govern-tool-call.js'
import { heldMessage } from '../tool-call/held-message.js'
import {
  callerOf,
  checkGovernanceConfig,
  registerToolAction,
  type ToolGovernanceConfig,
} from '../tool-call/tool-governance.js'

const INTEGRATION = 'openai-agents'

/** Configuration of {@link toOpenAiAgentsTools}. */
export type OpenAiAgentsToolsConfig = ToolGovernanceConfig

// biome-ignore lint/suspicious/noExplicitAny: FunctionTool's own generics; any tool of any context fits.
type AnyFunctionTool = FunctionTool<any, any, any>

/** The model's arguments as an object, or null when they are not a JSON object. */
export function parseArguments(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text === '' ? '{}' : text)
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null
  } catch {
    return null
  }
}

/**
 * Wraps function tools so that every call goes through Airlock.
 *
 * @remarks `needsApproval` is Airlock's decision (`require_approval`), so the
 * run stops with an interruption instead of blocking; {@link pausedRuns}
 * files the approval and the run state, and resumes it later in any process.
 * The tool's own `needsApproval` is replaced: Airlock's policy decides alone.
 * `invoke` is where it is enforced: allowed calls run, denied ones return
 * the reason to the model as the tool's output (the run goes on), and a call
 * the framework considers approved still runs only if Airlock's approval for
 * that tool-call id says so — marking the item approved in a `RunState` by
 * hand runs nothing. The tool-call id is the idempotency key: a call runs at
 * most once, whichever process resumes it.
 */
export function toOpenAiAgentsTools<T extends AnyFunctionTool>(
  tools: readonly T[],
  config: OpenAiAgentsToolsConfig,
): T[] {
  checkGovernanceConfig(config, 'toOpenAiAgentsTools')
  if (!Array.isArray(tools))
    throw new AirlockError(ErrorCode.CONFIG_INVALID, 'toOpenAiAgentsTools expects an array of tools')
  return tools.map((tool) => governTool(tool, config))
}

function governTool<T extends AnyFunctionTool>(tool: T, config: OpenAiAgentsToolsConfig): T {
  if (tool?.type !== 'function' || typeof tool.invoke !== 'function') {
    throw new AirlockError(
      ErrorCode.CONFIG_INVALID,
      `toOpenAiAgentsTools governs function tools (tool()); got ${describe(tool)}`,
    )
  }
  const action = registerToolAction(config, INTEGRATION, tool)
  const { airlock } = config
  const caller = callerOf(config)
  const governed: AnyFunctionTool = {
    ...tool,
    // biome-ignore lint/suspicious/noExplicitAny: the SDK passes its parsed input; only its JSON matters here.
    needsApproval: async (_ctx: RunContext, input: any) => {
      const inputs = typeof input === 'object' && input !== null ? (input as Record<string, unknown>) : {}
      return airlock.decide(action, inputs, { caller }).decision === 'require_approval'
    },
    invoke: async (runContext, input, details) => {
      const inputs = parseArguments(input)
      if (inputs === null) return `Invalid arguments for '${tool.name}': expected a JSON object; nothing ran.`
      const result = await governToolCall(airlock, {
        action,
        inputs,
        caller,
        call_id: details?.toolCall?.callId ?? null,
        run: () => tool.invoke(runContext, input, details),
        ...(details?.signal ? { signal: details.signal } : {}),
      })
      if (result.kind === 'ran') return result.value
      if (result.kind === 'denied') return result.message
      return heldMessage(tool.name, result.approval_id)
    },
  }
  return governed as T
}

function describe(value: unknown): string {
  if (value === null || typeof value !== 'object') return typeof value
  const type = (value as { type?: unknown }).type
  return typeof type === 'string' ? `a '${type}' tool` : 'an object that is not a tool'
}
