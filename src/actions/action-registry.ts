/**
 * The catalogue of actions an Airlock instance knows, by name.
 *
 * @module
 */
import { AirlockError } from '../errors/airlock-error.js'
import type { ConfigIssue } from '../errors/config-error.js'
import { ErrorCode } from '../errors/error-codes.js'
import type { RiskClass } from '../policy/risk-matrix.js'
import type { ActionDefinition, AnyActionDefinition } from './action-definition.js'
import { actionIssue } from './action-locations.js'

/** Options for {@link ActionRegistry.validateCatalog}. */
export interface CatalogCheckOptions {
  /**
   * Target types that exist (e.g. every type in the inventory). When given,
   * an action whose `target_types` names a type outside this list is reported.
   */
  readonly target_types?: Iterable<string>
}

function byName(a: ActionDefinition, b: ActionDefinition): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0
}

function duplicateError(existing: AnyActionDefinition, definition: AnyActionDefinition): AirlockError {
  return new AirlockError(
    ErrorCode.ACTION_DUPLICATE,
    `Duplicate action '${definition.name}': defined in ${existing.source} and in ${definition.source}`,
    { details: { action: definition.name, sources: [existing.source, definition.source] } },
  )
}

function rollbackOf(def: ActionDefinition): string | null {
  const value = def.meta.rollback_action
  return typeof value === 'string' ? value : null
}

/**
 * Registered actions, unique by name.
 *
 * @remarks Registration is synchronous, so concurrent callers in one process
 * cannot both register the same name: exactly one succeeds and every other
 * gets `ACTION_DUPLICATE`.
 */
export class ActionRegistry {
  readonly #actions = new Map<string, ActionDefinition>()

  /** Builds a registry holding `definitions`; duplicates throw as in {@link ActionRegistry.register}. */
  constructor(definitions: Iterable<AnyActionDefinition> = []) {
    this.registerAll(definitions)
  }

  /**
   * Adds an action.
   *
   * @throws AirlockError `ACTION_DUPLICATE` when the name is taken; the message
   * names both sources.
   */
  register(definition: AnyActionDefinition): void {
    const existing = this.#actions.get(definition.name)
    if (existing) {
      throw duplicateError(existing, definition)
    }
    // Stored with unknown I/O: the pipeline only ever calls a handler with what
    // that action's own validate() produced.
    this.#actions.set(definition.name, definition)
  }

  /** Adds several actions, all or none: a duplicate leaves the registry unchanged. */
  registerAll(definitions: Iterable<AnyActionDefinition>): void {
    const batch: ActionDefinition[] = [...definitions]
    const seen = new Map<string, ActionDefinition>()
    for (const definition of batch) {
      const existing = this.#actions.get(definition.name) ?? seen.get(definition.name)
      if (existing) {
        throw duplicateError(existing, definition)
      }
      seen.set(definition.name, definition)
    }
    for (const definition of batch) this.#actions.set(definition.name, definition)
  }

  /** The action called `name`, or undefined. */
  get(name: string): ActionDefinition | undefined {
    return this.#actions.get(name)
  }

  /**
   * The action called `name`.
   *
   * @throws AirlockError `ACTION_NOT_FOUND`
   */
  require(name: string): ActionDefinition {
    const definition = this.#actions.get(name)
    if (!definition) {
      throw new AirlockError(ErrorCode.ACTION_NOT_FOUND, `Unknown action: ${name}`, {
        details: { action: name },
      })
    }
    return definition
  }

  has(name: string): boolean {
    return this.#actions.has(name)
  }

  /** Number of registered actions. */
  get size(): number {
    return this.#actions.size
  }

  /** Every action, sorted by name. */
  list(): ActionDefinition[] {
    return [...this.#actions.values()].sort(byName)
  }

  /** Actions carrying `tag`, sorted by name. */
  listByTag(tag: string): ActionDefinition[] {
    return this.list().filter((d) => d.tags.includes(tag))
  }

  /** Actions of risk class `risk` (the action's own risk, not an effective one), sorted by name. */
  listByRisk(risk: RiskClass): ActionDefinition[] {
    return this.list().filter((d) => d.risk === risk)
  }

  /**
   * Cross-checks the catalogue as a whole and returns the problems found
   * (empty when consistent), located in the YAML where an action came from.
   *
   * @remarks Checks that each `rollback_action` exists, that an action with a
   * `rollback_action` is `reversible`, that `rollback_params` only name
   * parameters of the rollback action (and are not declared without one), and,
   * given `target_types`, that every declared target type exists. Throw
   * `new ConfigError(issues)` to make problems fatal.
   */
  validateCatalog(options: CatalogCheckOptions = {}): ConfigIssue[] {
    const issues: ConfigIssue[] = []
    const knownTypes = options.target_types === undefined ? undefined : new Set(options.target_types)
    for (const def of this.list()) {
      const rollback = rollbackOf(def)
      const rollbackParams = def.meta.rollback_params as Record<string, unknown> | undefined
      const paramNames = rollbackParams ? Object.keys(rollbackParams) : []
      if (rollback !== null) {
        const target = this.#actions.get(rollback)
        if (!target) {
          issues.push(
            actionIssue(def, ['rollback_action'], `rollback_action '${rollback}' is not a registered action`),
          )
        } else {
          const accepted = new Set(Object.keys((target.input_schema.properties as object | undefined) ?? {}))
          for (const name of paramNames) {
            if (!accepted.has(name)) {
              issues.push(
                actionIssue(
                  def,
                  ['rollback_params', name],
                  `'${name}' is not a parameter of rollback action '${rollback}'`,
                ),
              )
            }
          }
        }
        if (def.meta.reversible === false) {
          issues.push(
            actionIssue(
              def,
              ['rollback_action'],
              `rollback_action '${rollback}' is set but the action is not reversible`,
            ),
          )
        }
      } else if (paramNames.length > 0) {
        issues.push(
          actionIssue(def, ['rollback_params'], 'rollback_params is set but there is no rollback_action'),
        )
      }
      if (knownTypes) {
        def.target_types.forEach((type, i) => {
          if (!knownTypes.has(type)) {
            issues.push(
              actionIssue(def, ['target_types', i], `target type '${type}' matches no known target`),
            )
          }
        })
      }
    }
    return issues
  }
}
