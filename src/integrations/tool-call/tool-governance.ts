/**
 * What every framework integration is configured with, and how its tools become actions.
 *
 * @module
 */
import type { ActionRegistry } from '../../actions/action-registry.js'
import { AirlockError } from '../../errors/airlock-error.js'
import { ErrorCode } from '../../errors/error-codes.js'
import type { Airlock, Principal, RiskClass } from '../../index.js'
import { isRiskClass } from '../../policy/risk-matrix.js'
import { toolAction, toolActionName } from './tool-action.js'

/** Configuration shared by the framework integrations. */
export interface ToolGovernanceConfig {
  readonly airlock: Airlock
  /**
   * The `ActionRegistry` the Airlock was created with
   * (`createAirlock({ actions: registry, ... })`): each tool becomes an
   * action there, so policies, limits and approvals address it by name.
   */
  readonly registry: ActionRegistry
  /** Who asks: the agent's identity, the requester of every approval. Default `agent`. */
  readonly caller?: Principal | string
  /** Risk class of the tools, one for all or by tool name. Default `medium`. */
  readonly risk?: RiskClass | Readonly<Record<string, RiskClass>>
}

const DEFAULT_RISK: RiskClass = 'medium'

/** Checks the configuration once, up front, so a typo fails at start and not at the first tool call. */
export function checkGovernanceConfig(config: ToolGovernanceConfig, integration: string): void {
  const problems: string[] = []
  if (typeof config !== 'object' || config === null) {
    throw new AirlockError(ErrorCode.CONFIG_INVALID, `${integration}: expected { airlock, registry }`)
  }
  if (typeof config.airlock?.execute !== 'function')
    problems.push("'airlock' must be an Airlock (createAirlock())")
  if (typeof config.registry?.register !== 'function') {
    problems.push("'registry' must be the ActionRegistry the Airlock was created with")
  }
  const risk = config.risk
  if (risk !== undefined && typeof risk !== 'string') {
    for (const [tool, value] of Object.entries(risk)) {
      if (!isRiskClass(value)) problems.push(`risk of '${tool}' must be low, medium, high or critical`)
    }
  } else if (risk !== undefined && !isRiskClass(risk)) {
    problems.push('risk must be low, medium, high or critical')
  }
  if (problems.length > 0) {
    throw new AirlockError(ErrorCode.CONFIG_INVALID, `${integration}: ${problems.join('; ')}`, {
      details: { problems },
    })
  }
}

/**
 * Registers the action a tool runs as (once: wrapping the same tool again
 * reuses it) and returns its name.
 *
 * @throws AirlockError `ACTION_DUPLICATE` when an action of that name exists
 * that is not this integration's tool.
 */
export function registerToolAction(
  config: ToolGovernanceConfig,
  integration: string,
  tool: { readonly name: string; readonly description: string },
): string {
  const name = toolActionName(tool.name)
  const existing = config.registry.get(name)
  if (existing) {
    if (existing.meta.integration === integration && existing.meta.tool === tool.name) return name
    throw new AirlockError(
      ErrorCode.ACTION_DUPLICATE,
      `Tool '${tool.name}' runs as action '${name}', which is already registered (${existing.source}); rename the tool or the action`,
    )
  }
  const risk = typeof config.risk === 'string' ? config.risk : (config.risk?.[tool.name] ?? DEFAULT_RISK)
  config.registry.register(toolAction({ tool: tool.name, description: tool.description, risk, integration }))
  return name
}

/** The caller of every tool call. */
export function callerOf(config: ToolGovernanceConfig): Principal | string {
  return config.caller ?? 'agent'
}
