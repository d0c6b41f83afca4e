/**
 * An action as an MCP tool definition.
 *
 * @module
 */
import type { Tool } from '@modelcontextprotocol/sdk/types.js'
import { z } from 'zod'
import type { ActionDefinition } from '../actions/action-definition.js'

/** JSON Schema of the outputs, when the action declares a zod object output. */
function outputSchema(definition: ActionDefinition): Tool['outputSchema'] | undefined {
  const output = definition.output
  if (output === undefined || output._zod.def.type !== 'object') return undefined
  try {
    const schema = z.toJSONSchema(output, { io: 'output', unrepresentable: 'throw' }) as Record<
      string,
      unknown
    >
    delete schema.$schema
    return schema as Tool['outputSchema']
  } catch {
    // An output zod cannot express as JSON Schema is simply not advertised.
    return undefined
  }
}

/**
 * The tool an MCP client sees for `definition`.
 *
 * @remarks Annotations are hints derived from the action, never trusted for
 * decisions: `readOnlyHint` for `low` risk actions tagged `read_only` (or whose
 * meta says `read_only: true`), `destructiveHint` for `high`/`critical` risk or
 * actions whose meta says `reversible: false`, `idempotentHint` from meta
 * `idempotent`.
 */
export function toolFromAction(definition: ActionDefinition): Tool {
  const meta = definition.meta
  const readOnly = meta.read_only === true || definition.tags.includes('read_only')
  const destructive =
    !readOnly && (definition.risk === 'high' || definition.risk === 'critical' || meta.reversible === false)
  const annotations: NonNullable<Tool['annotations']> = {
    title: definition.name,
    readOnlyHint: readOnly,
    destructiveHint: destructive,
    ...(typeof meta.idempotent === 'boolean' ? { idempotentHint: meta.idempotent } : {}),
    openWorldHint: meta.open_world === true,
  }
  const schema = { ...definition.input_schema } as Record<string, unknown>
  delete schema.$schema
  const output = outputSchema(definition)
  return {
    name: definition.name,
    description: definition.description,
    inputSchema: { type: 'object', ...schema } as Tool['inputSchema'],
    ...(output ? { outputSchema: output } : {}),
    annotations,
    _meta: {
      'airlock/risk': definition.risk,
      'airlock/approval_required': definition.approval_required,
    },
  }
}
