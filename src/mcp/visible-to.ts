/**
 * Whether `tools/list` shows an action to a principal.
 *
 * @module
 */

import type { ActionDefinition } from '../actions/action-definition.js'
import type { Airlock } from '../airlock.js'
import type { Principal } from '../identity/principal.js'

type JsonSchema = Readonly<Record<string, unknown>>

/** A placeholder of the schema's type: the emptiest value that can pass validation. */
function placeholder(schema: JsonSchema | undefined): unknown {
  if (schema === undefined) return ''
  if ('default' in schema) return schema.default
  if ('const' in schema) return schema.const
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0]
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type
  switch (type) {
    case 'object':
      return probeArgs(schema)
    case 'array':
      return []
    case 'number':
    case 'integer':
      return typeof schema.minimum === 'number' ? schema.minimum : 0
    case 'boolean':
      return false
    case 'null':
      return null
    default:
      return ''
  }
}

/** Arguments holding only the required keys, each with a placeholder value. */
export function probeArgs(schema: JsonSchema): Record<string, unknown> {
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>
  const required = Array.isArray(schema.required) ? (schema.required as string[]) : []
  return Object.fromEntries(required.map((key) => [key, placeholder(properties[key])]))
}

/**
 * False when policy denies the action to `principal` by a rule that matches
 * whatever the arguments are.
 *
 * @remarks The decision is taken, without side effects, for placeholder
 * arguments (required keys only, empty values): a rule that denies those is
 * one about the action and the caller. A deny that needs real arguments (a
 * path rule) or the default decision leaves the tool listed, because the call
 * is judged on its arguments anyway. When even placeholders fail validation
 * the tool stays listed. Listing is a courtesy; it is never the enforcement.
 */
export function visibleTo(airlock: Airlock, definition: ActionDefinition, principal: Principal): boolean {
  const decision = airlock.decide(definition.name, probeArgs(definition.input_schema), {
    caller: principal,
  })
  return !(decision.decision === 'deny' && decision.rule !== null && decision.param_errors.length === 0)
}
