/**
 * Where the resolve stage looks actions and targets up: any registry or
 * inventory fits, and plain arrays are indexed once at wiring time.
 *
 * @module
 */
import type { ActionDefinition } from '../../actions/action-definition.js'
import { AirlockError } from '../../errors/airlock-error.js'
import { ErrorCode } from '../../errors/error-codes.js'
import type { Target } from '../../inventory/target.js'

/** Anything that can look actions up by name (an `ActionRegistry` fits). */
export interface ActionSource {
  get(name: string): ActionDefinition | undefined
  list(): readonly ActionDefinition[]
}

/** Anything that can look targets up by id (an `Inventory` fits). */
export interface TargetSource {
  get(id: string): Target | undefined
}

/** Indexes a list of definitions by name; two with one name are a configuration error. */
export function toActionSource(
  actions: readonly ActionDefinition[] | ActionSource | undefined,
): ActionSource {
  if (actions !== undefined && !Array.isArray(actions)) return actions as ActionSource
  const byName = new Map<string, ActionDefinition>()
  for (const def of (actions ?? []) as readonly ActionDefinition[]) {
    const existing = byName.get(def.name)
    if (existing) {
      throw new AirlockError(
        ErrorCode.ACTION_DUPLICATE,
        `Duplicate action '${def.name}': defined in ${existing.source} and in ${def.source}`,
      )
    }
    byName.set(def.name, def)
  }
  const sorted = [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : 1))
  return { get: (name) => byName.get(name), list: () => sorted }
}

export function toTargetSource(inventory: readonly Target[] | TargetSource | undefined): TargetSource {
  if (inventory === undefined) return { get: () => undefined }
  if (Array.isArray(inventory)) {
    const byId = new Map((inventory as readonly Target[]).map((t) => [t.id, t]))
    return { get: (id) => byId.get(id) }
  }
  return inventory as TargetSource
}
