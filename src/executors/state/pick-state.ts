/**
 * Turns what a system answers about a resource (a JSON document) into the
 * flat state an action declares in `state_fields`, so that `rollback_params`
 * such as `before_state.replicas` resolve against what was really captured.
 *
 * @module
 */
import type { ActionDefinition } from '../../actions/action-definition.js'
import type { StateSnapshot } from '../executor.js'

/** The names of the action's declared state fields. */
export function stateFieldNames(action: ActionDefinition): string[] {
  const fields = action.meta.state_fields
  if (!Array.isArray(fields)) return []
  return fields.flatMap((f) =>
    typeof f === 'object' && f !== null && typeof f.name === 'string' ? [f.name] : [],
  )
}

function at(document: unknown, path: string): unknown {
  let here: unknown = document
  for (const key of path.split('.')) {
    if (typeof here !== 'object' || here === null) return undefined
    here = (here as Record<string, unknown>)[key]
  }
  return here
}

/** Each declared state field, read at its path (default: its name); missing ones are left out. */
export function pickState(
  action: ActionDefinition,
  document: unknown,
  paths: Readonly<Record<string, string>>,
): StateSnapshot {
  const out: Record<string, unknown> = {}
  for (const name of stateFieldNames(action)) {
    const value = at(document, paths[name] ?? name)
    if (value !== undefined) out[name] = value
  }
  return out
}
