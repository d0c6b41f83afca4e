/**
 * An upstream MCP server's tool as an Airlock action, so a proxied call
 * walks the same pipeline as any other.
 *
 * @module
 */
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js'
import { z } from 'zod'
import type { ActionDefinition, ValidationResult } from '../actions/action-definition.js'
import { toParamIssues } from '../actions/to-param-issues.js'
import type { RiskClass } from '../policy/risk-matrix.js'

/** How one upstream tool is governed (from the proxy's configuration). */
export interface UpstreamToolSettings {
  readonly risk: RiskClass
  /** Hold every call for a human, whatever the policy says. */
  readonly approval_required?: boolean | undefined
  readonly approver_roles?: readonly string[] | undefined
  readonly required_approvals?: number | undefined
  readonly required_scopes?: readonly string[] | undefined
  readonly tags?: readonly string[] | undefined
}

/** Calls the upstream tool; throws when the upstream cannot answer or answers with an error. */
export type ForwardCall = (
  tool: string,
  args: Record<string, unknown>,
  signal: AbortSignal,
) => Promise<CallToolResult>

/**
 * The action name of an upstream tool: `<namespace>.<tool>`, lower case.
 *
 * @remarks Upstream names are free-form (`get-sum`, `readFile`); policies see
 * the namespaced name, so `fs.*` matches every tool of the `fs` upstream.
 */
export function upstreamActionName(namespace: string, tool: string): string {
  return `${namespace}.${tool}`
}

function inputValidator(tool: Tool): z.ZodType {
  try {
    return z.fromJSONSchema(tool.inputSchema as z.core.JSONSchema.JSONSchema)
  } catch {
    // A schema zod cannot read still has to be an object; the upstream checks the rest.
    return z.record(z.string(), z.unknown())
  }
}

/**
 * Builds the action for `tool`.
 *
 * @remarks Inputs are validated against the upstream's own input schema
 * before any rule sees them, so a rule on `path` never judges a value the
 * upstream would read differently. The action runs in the process that asked
 * (`meta.execution: requester`): an approval decided elsewhere (the HTTP API,
 * Slack) is carried out by the proxy that holds the upstream connection.
 */
export function upstreamAction(
  namespace: string,
  tool: Tool,
  settings: UpstreamToolSettings,
  forward: ForwardCall,
): ActionDefinition {
  const name = upstreamActionName(namespace, tool.name)
  const input = inputValidator(tool)
  const schema = { ...(tool.inputSchema as Record<string, unknown>) }
  return Object.freeze({
    name,
    version: undefined,
    description: tool.description?.trim() || `${tool.name} (via the ${namespace} MCP server)`,
    risk: settings.risk,
    required_scopes: settings.required_scopes ?? [],
    approval_required: settings.approval_required ?? false,
    approver_roles: settings.approver_roles ?? [],
    required_approvals: settings.required_approvals ?? 1,
    tags: ['mcp', `mcp:${namespace}`, ...(settings.tags ?? [])],
    target_types: [],
    input,
    output: undefined,
    handler: (inputs: unknown, context: { signal: AbortSignal }) =>
      forward(tool.name, inputs as Record<string, unknown>, context.signal),
    source: `mcp:${namespace}`,
    meta: Object.freeze({
      execution: 'requester',
      upstream_tool: tool.name,
      ...(tool.annotations ? { upstream_annotations: tool.annotations } : {}),
    }),
    input_schema: Object.freeze(schema),
    validate(inputs: unknown): ValidationResult<unknown> {
      const result = input.safeParse(inputs, { reportInput: true })
      return result.success
        ? { ok: true, value: result.data }
        : { ok: false, issues: toParamIssues(result.error.issues) }
    },
  })
}
