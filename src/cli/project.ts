/**
 * Loads actions, policies and inventory named by CLI flags.
 *
 * @module
 */
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import type { ActionRegistry } from '../actions/action-registry.js'
import { loadConfigSources } from '../config/load-config-sources.js'
import type { Inventory } from '../inventory/inventory.js'
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

  // The same loading as a configuration file's: every file is read before any
  // problem is reported, then the catalogue is cross-checked with the inventory.
  const { registry, rules, inventory } = await loadConfigSources({
    file: io.cwd,
    actions: actionPaths,
    modules: [],
    policies: policyPaths,
    default_decision: 'deny',
    inventory: inventoryPath,
  })
  return {
    registry,
    rules,
    inventory,
    sources: { actions: actionPaths, policies: policyPaths, inventory: inventoryPath },
  }
}
