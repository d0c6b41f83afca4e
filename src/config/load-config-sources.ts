/**
 * Loads the files a configuration names: action YAML, action modules,
 * policies and inventory.
 *
 * @module
 */
import { ActionRegistry } from '../actions/action-registry.js'
import { loadActions } from '../actions/load-actions.js'
import { AirlockError } from '../errors/airlock-error.js'
import { ConfigError, type ConfigIssue } from '../errors/config-error.js'
import type { Inventory } from '../inventory/inventory.js'
import { loadInventory } from '../inventory/load-inventory.js'
import { loadPolicies } from '../policy/load-policies.js'
import type { PolicyRule } from '../policy/policy-rule.js'
import { loadActionModules } from './load-action-modules.js'
import type { ResolvedConfig } from './resolved-config.js'

/** The files to load: what a configuration names, or what CLI flags name. */
export type SourcePaths = Pick<
  ResolvedConfig,
  'file' | 'actions' | 'modules' | 'policies' | 'default_decision' | 'inventory'
>

/** Everything a configuration points at, loaded and cross-checked. */
export interface ConfigSources {
  readonly registry: ActionRegistry
  readonly rules: readonly PolicyRule[]
  readonly inventory: Inventory | undefined
}

/** Runs `load`, collecting a ConfigError's issues instead of stopping at the first file. */
async function collect<T>(issues: ConfigIssue[], load: () => Promise<T>): Promise<T | undefined> {
  try {
    return await load()
  } catch (error) {
    if (error instanceof ConfigError) {
      issues.push(...error.issues)
      return undefined
    }
    throw error
  }
}

/**
 * Loads and cross-checks the actions, policies and inventory of `config`.
 *
 * @remarks Every file is read before anything is reported, so one
 * ConfigError lists the problems of all of them. Action modules are
 * executed (their top-level code runs), nothing else is.
 *
 * @throws ConfigError naming file, line and field of every problem: bad
 * files, an action name defined twice, an action aimed at a target type the
 * inventory lacks.
 */
export async function loadConfigSources(config: SourcePaths): Promise<ConfigSources> {
  const issues: ConfigIssue[] = []
  const yamlActions =
    config.actions.length > 0 ? await collect(issues, () => loadActions(config.actions)) : []
  const moduleActions =
    config.modules.length > 0 ? await collect(issues, () => loadActionModules(config.modules)) : []
  const policies = await collect(issues, () =>
    loadPolicies(config.policies, { default_decision: config.default_decision }),
  )
  const inventory =
    config.inventory === null ? undefined : await collect(issues, () => loadInventory(config.inventory!))
  if (issues.length > 0) throw new ConfigError(issues)

  let registry: ActionRegistry
  try {
    registry = new ActionRegistry([...(yamlActions ?? []), ...(moduleActions ?? [])])
  } catch (error) {
    if (AirlockError.isInstance(error) && error.code === 'ACTION_DUPLICATE') {
      throw new ConfigError([{ file: config.file, field: 'modules', message: error.message }])
    }
    throw error
  }
  const catalogIssues = registry.validateCatalog(
    inventory ? { target_types: new Set(inventory.list().map((t) => t.type)) } : {},
  )
  if (catalogIssues.length > 0) throw new ConfigError(catalogIssues)
  return { registry, rules: policies?.rules ?? [], inventory }
}
