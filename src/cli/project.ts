/**
 * Loads the actions, policies and inventory a CLI command works on: those of
 * the project configuration (`--config`, or `airlock.config.*` found from the
 * working folder upwards), or those named by `--actions`, `--policies` and
 * `--inventory`.
 *
 * @module
 */
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import type { ActionRegistry } from '../actions/action-registry.js'
import { findConfigFile, loadConfig } from '../config/load-config.js'
import { loadConfigSources, type SourcePaths } from '../config/load-config-sources.js'
import type { ResolvedConfig } from '../config/resolved-config.js'
import type { Inventory } from '../inventory/inventory.js'
import type { PolicyRule } from '../policy/policy-rule.js'
import type { CliIo } from './cli-io.js'

/** Flags every project-reading command takes. */
export interface ProjectFlags {
  readonly config?: string | undefined
  readonly actions?: string[] | undefined
  readonly policies?: string[] | undefined
  readonly inventory?: string | undefined
}

export interface Project {
  readonly registry: ActionRegistry
  readonly rules: readonly PolicyRule[]
  readonly inventory: Inventory | undefined
  readonly sources: { actions: string[]; policies: readonly string[]; inventory: string | null }
  /** The configuration the project came from, or null when only flags and conventions were used. */
  readonly config: ResolvedConfig | null
}

const given = (paths: string[] | undefined): paths is string[] => paths !== undefined && paths.length > 0

/**
 * The configuration named by `--config`; otherwise, when no `--actions`,
 * `--policies` or `--inventory` is given, the one found from the working
 * folder upwards.
 */
async function projectConfig(io: CliIo, flags: ProjectFlags): Promise<ResolvedConfig | null> {
  if (flags.config !== undefined) return loadConfig(resolve(io.cwd, flags.config), { env: io.env })
  if (given(flags.actions) || given(flags.policies) || flags.inventory !== undefined) return null
  const file = findConfigFile(io.cwd)
  return file === null ? null : loadConfig(file, { env: io.env })
}

/** Paths from flags and conventions (`./actions`, `./policies`, `./inventory.yaml` when present). */
function conventionalPaths(io: CliIo, flags: ProjectFlags): SourcePaths {
  const pick = (paths: string[] | undefined, fallback: string): string[] => {
    if (given(paths)) return paths.map((p) => resolve(io.cwd, p))
    const conventional = resolve(io.cwd, fallback)
    return existsSync(conventional) ? [conventional] : []
  }
  return {
    file: io.cwd,
    actions: pick(flags.actions, 'actions'),
    modules: [],
    policies: pick(flags.policies, 'policies'),
    default_decision: 'deny',
    inventory:
      pick(flags.inventory === undefined ? undefined : [flags.inventory], 'inventory.yaml')[0] ?? null,
  }
}

/**
 * With a configuration, its files are loaded (action modules included), and
 * explicit flags replace the matching entry. Without one, explicit flags are
 * used as given (a missing path is an error) and otherwise the conventional
 * locations when they exist.
 */
export async function loadProject(io: CliIo, flags: ProjectFlags): Promise<Project> {
  const config = await projectConfig(io, flags)
  let paths = conventionalPaths(io, flags)
  if (config !== null) {
    paths = {
      file: config.file,
      actions: given(flags.actions) ? paths.actions : config.actions,
      modules: config.modules,
      policies: given(flags.policies) ? paths.policies : config.policies,
      default_decision: config.default_decision,
      inventory: flags.inventory !== undefined ? paths.inventory : config.inventory,
    }
  }
  // The same loading as the gateway's: every file is read before any problem
  // is reported, then the catalogue is cross-checked with the inventory.
  const { registry, rules, inventory } = await loadConfigSources(paths)
  return {
    registry,
    rules,
    inventory,
    sources: {
      actions: [...paths.actions, ...paths.modules],
      policies: paths.policies,
      inventory: paths.inventory,
    },
    config,
  }
}
