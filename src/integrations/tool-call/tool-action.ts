/**
 * The Airlock action a framework tool runs as.
 *
 * @module
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import { z } from 'zod'
import type { ActionDefinition, ActionHandler } from '../../actions/action-definition.js'
import { defineAction } from '../../actions/define-action.js'
import { canonicalJson } from '../../audit/canonical-json.js'
import { AirlockError } from '../../errors/airlock-error.js'
import { ErrorCode } from '../../errors/error-codes.js'
import { jsonSafe, toActionName } from '../../guard/guarded-action.js'
import type { RiskClass } from '../../policy/risk-matrix.js'

/**
 * The framework call in progress, carried through `execute` / `approvals.resume`.
 *
 * @remarks The pipeline passes only JSON inputs to a handler; the framework's
 * own invocation (run context, callbacks, abort signal) stays in this scope so
 * the tool runs with the very objects the framework gave it.
 */
export interface ToolCallScope {
  readonly action: string
  /** Canonical JSON of the inputs submitted, checked against what was approved. */
  readonly inputs_json: string
  /** Runs the framework tool itself. */
  readonly run: () => Promise<unknown>
  settled:
    | { readonly ok: true; readonly value: unknown }
    | { readonly ok: false; readonly error: unknown }
    | null
}

export const toolCallScope = new AsyncLocalStorage<ToolCallScope>()

// The framework validated the arguments against the tool's own schema already.
const INPUT = z.object({}).catchall(z.unknown())

/** What {@link toolAction} needs. */
export interface ToolActionConfig {
  /** The framework's tool name; the action name is its snake_case form. */
  readonly tool: string
  readonly description: string
  readonly risk: RiskClass
  /** Which integration made it (kept in `meta.integration`). */
  readonly integration: string
}

/** `lookupOrder` → `lookup_order`, or a precise error when nothing usable remains. */
export function toolActionName(tool: string): string {
  const name = toActionName(tool)
  if (name === null) {
    throw new AirlockError(ErrorCode.CONFIG_INVALID, `Tool name '${tool}' gives no usable action name`)
  }
  return name
}

/**
 * Defines the action a framework tool runs as.
 *
 * @remarks `meta.execution = 'requester'`: whoever approves (HTTP, Slack,
 * CLI), the tool runs in the agent's process when the framework calls it
 * again after the approval, never in the approver's. Outside a framework
 * call (no scope) the handler refuses: the tool's implementation lives in
 * the framework, not in Airlock.
 */
export function toolAction(config: ToolActionConfig): ActionDefinition {
  const name = toolActionName(config.tool)
  const handler: ActionHandler<Record<string, unknown>, unknown> = async (inputs) => {
    const scope = toolCallScope.getStore()
    if (scope === undefined || scope.action !== name) {
      throw new AirlockError(
        ErrorCode.INTERNAL,
        `'${name}' is a ${config.integration} tool; it runs only inside the framework's own tool call`,
      )
    }
    if (canonicalJson(inputs) !== scope.inputs_json) {
      throw new AirlockError(
        ErrorCode.INPUT_INVALID,
        `The arguments of '${name}' changed after they were submitted`,
      )
    }
    try {
      const value = await scope.run()
      scope.settled = { ok: true, value }
      // The audit record and later replays keep a JSON copy; this call returns the value itself.
      return jsonSafe(value) ?? null
    } catch (error) {
      scope.settled = { ok: false, error }
      throw error
    }
  }
  return defineAction({
    name,
    description: config.description.trim() === '' ? `The ${config.tool} tool` : config.description,
    input: INPUT,
    risk: config.risk,
    meta: { execution: 'requester', integration: config.integration, tool: config.tool },
    handler,
  })
}
