/**
 * `toAiSdkTools()`: AI SDK tools whose `needsApproval` and `execute` go
 * through Airlock.
 *
 * @module
 */
import { type ActionRegistry, AirlockError, ErrorCode, type RiskClass } from '../../index.js'
import type { AiSdkTool, AiSdkToolCallOptions } from './ai-sdk-types.js'
import {
  type AiSdkAirlockOptions,
  actionFor,
  asInputs,
  runToolCall,
  submitWithoutRunning,
  toolAction,
} from './tool-gate.js'

/** Options of {@link toAiSdkTools}. */
export interface ToAiSdkToolsOptions extends AiSdkAirlockOptions {
  /**
   * The registry the Airlock was created with (`createAirlock({ actions:
   * registry })`): each tool is registered in it as an action, so policies,
   * limits and approvals address tools by action name.
   */
  readonly registry: ActionRegistry
  /** Risk class per tool name, for risk-based policies. Default `medium`. */
  readonly risk?: Readonly<Record<string, RiskClass>>
}

type Execute = (input: unknown, options: unknown) => unknown

function register(options: ToAiSdkToolsOptions, toolName: string, tool: AiSdkTool): string {
  const action = actionFor(options, toolName)
  const existing = options.registry.get(action)
  // Wrapping the same tools again (per request, per caller) reuses the action: its handler is generic.
  if (existing?.meta.integration === 'ai-sdk') return action
  const description =
    typeof tool.description === 'string' && tool.description.trim() !== ''
      ? tool.description
      : `AI SDK tool ${toolName}`
  options.registry.register(toolAction(action, description, options.risk?.[toolName] ?? 'medium'))
  return action
}

function governOne(options: ToAiSdkToolsOptions, toolName: string, tool: AiSdkTool): AiSdkTool {
  if (typeof tool !== 'object' || tool === null || typeof tool.execute !== 'function') {
    throw new AirlockError(
      ErrorCode.CONFIG_INVALID,
      `Tool '${toolName}' has no execute function: Airlock governs tools that run in this process (leave provider-executed and client-side tools out)`,
    )
  }
  const action = register(options, toolName, tool)
  const execute = tool.execute as Execute
  return {
    ...tool,
    // ai@6 asks this before running a call (and again before running an approved one).
    needsApproval: async (input: unknown, call: AiSdkToolCallOptions) => {
      const inputs = asInputs(input)
      if (options.airlock.decide(action, inputs, { caller: options.caller }).decision !== 'require_approval')
        return false
      const held = await submitWithoutRunning(options, action, inputs, call.toolCallId)
      // A call that was held stays "needing approval" after the decision too, so the SDK hands
      // the client's response to `execute`, where Airlock's own decision is what counts.
      return held.kind === 'held' || (held.kind === 'denied' && held.by !== 'policy')
    },
    execute: (input: unknown, call: AiSdkToolCallOptions) =>
      runToolCall(options, action, execute, input, call),
  }
}

/**
 * Governed copies of AI SDK tools (a `ToolSet`, MCP-discovered tools
 * included): every call goes through the pipeline as the tool's action,
 * with the tool-call id as the idempotency key.
 *
 * @remarks
 * - allowed: runs, audited, and a retried call id replays its result;
 * - denied (including tools no policy covers, when the Airlock's
 *   `default_decision` is the default `deny`): the tool does not run and
 *   the model receives the reason as the tool's result;
 * - `require_approval`: `needsApproval` answers true (ai@6), Airlock
 *   creates its durable approval, and the SDK emits a
 *   `tool-approval-request`. Once a human decides in Airlock,
 *   {@link resumeMessages} writes the `tool-approval-response`; the call
 *   then runs exactly once, with the inputs that were approved. A client's
 *   `approved: true` alone never runs anything.
 *
 * With ai@7 pass {@link airlockToolApproval} as `toolApproval` as well.
 */
export function toAiSdkTools<T extends Readonly<Record<string, AiSdkTool>>>(
  tools: T,
  options: ToAiSdkToolsOptions,
): T {
  const out: Record<string, AiSdkTool> = {}
  for (const [name, tool] of Object.entries(tools)) out[name] = governOne(options, name, tool)
  return out as T
}
