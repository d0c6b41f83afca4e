/**
 * Loads actions, policies and inventory named by CLI flags.
 *
 * @module
 */
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { ActionRegistry } from '../actions/action-registry.js'
import { loadActions } from '../actions/load-actions.js'
import type { Inventory } from '../inventory/inventory.js'
import { loadInventory } from '../inventory/load-inventory.js'
import { loadPolicies } from '../policy/load-policies.js'
import type { PolicyRule } from '../policy/policy-rule.js'
import type { CliIo } from './cli-io.js'

/** Flags every project-reading command takes. */
export interface ProjectFlags {
  readonly actions?: string[] | undefined
  readonly policies?: string[] | undefined
  readonly inventory?: string | undefined
}

export interface Project {
  readonly registry: ActionRegistry
  readonly rules: readonly PolicyRule[]
  readonly inventory: Inventory | undefined
  readonly sources: { actions: string[]; policies: string[]; inventory: string | null }
}

/**
 * Explicit flags are used as given (a missing path is an error). Without a
 * flag the conventional location (`./actions`, `./policies`,
 * `./inventory.yaml`) is used when it exists.
 */
export async function loadProject(io: CliIo, flags: ProjectFlags): Promise<Project> {
  const pick = (given: string[] | undefined, fallback: string): string[] => {
    if (given && given.length > 0) return given.map((p) => resolve(io.cwd, p))
    const conventional = resolve(io.cwd, fallback)
    return existsSync(conventional) ? [conventional] : []
  }
  const actionPaths = pick(flags.actions, 'actions')
  const policyPaths = pick(flags.policies, 'policies')
  const inventoryPath =
    pick(flags.inventory === undefined ? undefined : [flags.inventory], 'inventory.yaml')[0] ?? null

  const registry = new ActionRegistry(actionPaths.length > 0 ? await loadActions(actionPaths) : [])
  const rules = policyPaths.length > 0 ? (await loadPolicies(policyPaths)).rules : []
  const inventory = inventoryPath ? await loadInventory(inventoryPath) : undefined
  return {
    registry,
    rules,
    inventory,
    sources: { actions: actionPaths, policies: policyPaths, inventory: inventoryPath },
  }
}
