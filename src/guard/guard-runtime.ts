/**
 * Where guarded calls go through the pipeline.
 *
 * @module
 */
import type { ActionDefinition } from '../actions/action-definition.js'
import type { ActionRegistry } from '../actions/action-registry.js'
import { type Airlock, type AirlockConfig, createAirlock } from '../airlock.js'
import { AirlockError } from '../errors/airlock-error.js'
import { ErrorCode } from '../errors/error-codes.js'
import { PolicyEngine } from '../policy/policy-engine.js'
import type { PolicyRule, RuleVerdict } from '../policy/policy-rule.js'
import { callScope } from './call-scope.js'

/** An Airlock that guarded functions can register their actions with. */
export interface GuardRuntime {
  readonly airlock: Airlock
  /** Makes a guarded function's action known. Registering the same definition twice is a no-op. */
  register(definition: ActionDefinition): void
  /** Closes the airlock (and the store it opened). */
  close(): Promise<void>
}

/** Configuration of {@link createGuardRuntime}: an Airlock's, minus the actions (the guarded functions are the actions). */
export interface GuardRuntimeConfig
  extends Omit<AirlockConfig, 'actions' | 'policies' | 'default_decision' | 'unknown_actions'> {
  /**
   * Extra policy rules over the guarded actions, evaluated alongside each
   * function's approval policy: a deny here wins, a require_approval holds.
   * When none match, the approval policy alone decides.
   */
  readonly policies?: readonly PolicyRule[]
}

/** The action source a guard runtime owns: definitions are added as functions get guarded. */
class GuardedActions {
  readonly #byName = new Map<string, ActionDefinition>()

  register(definition: ActionDefinition): void {
    const existing = this.#byName.get(definition.name)
    if (existing === definition) return
    if (existing) {
      throw new AirlockError(
        ErrorCode.ACTION_DUPLICATE,
        `Another guarded function already runs as '${definition.name}'; give this one its own name (option 'action')`,
      )
    }
    this.#byName.set(definition.name, definition)
  }

  get(name: string): ActionDefinition | undefined {
    return this.#byName.get(name)
  }

  list(): readonly ActionDefinition[] {
    return [...this.#byName.values()].sort((a, b) => (a.name < b.name ? -1 : 1))
  }
}

/**
 * An Airlock of its own for guarded functions, over any store.
 *
 * @remarks Its one policy rule reads the guarded call in progress: held when
 * the function's approval policy holds it (or a configured rule asks for
 * approval), denied when a configured rule denies, allowed otherwise —
 * including when an approved request is re-checked before it runs.
 */
export function createGuardRuntime(config: GuardRuntimeConfig = {}): GuardRuntime {
  const actions = new GuardedActions()
  const extra =
    config.policies && config.policies.length > 0
      ? new PolicyEngine(config.policies, { default_decision: 'allow' })
      : null
  const rule: PolicyRule = {
    name: 'guard',
    priority: 0,
    actions: { kind: 'any' },
    evaluate(request): RuleVerdict {
      const configured = extra?.evaluate(request)
      if (configured?.decision === 'deny') {
        return { decision: 'deny', reason: configured.reason, rule: configured.rule ?? 'guard' }
      }
      const scope = callScope.getStore()
      const mine = scope !== undefined && scope.action === request.action
      if (mine && scope.hold)
        return { decision: 'require_approval', reason: scope.hold.reason, rule: scope.hold.rule }
      if (configured?.decision === 'require_approval') {
        return { decision: 'require_approval', reason: configured.reason, rule: configured.rule ?? 'guard' }
      }
      if (mine && scope.after_timeout !== null)
        return { decision: 'allow', reason: scope.after_timeout, rule: 'on_timeout' }
      return { decision: 'allow', reason: 'The approval policy does not hold this call', rule: 'guard' }
    },
  }
  const { policies: _ignored, ...rest } = config
  const airlock = createAirlock({ ...rest, actions, policies: [rule] })
  return { airlock, register: (d) => actions.register(d), close: () => airlock.close() }
}

/**
 * Guards functions inside an Airlock you built yourself: pass the
 * `ActionRegistry` it was created with (`createAirlock({ actions: registry })`)
 * so guarded functions can add their actions. That Airlock's policies decide
 * alongside each function's approval policy.
 */
export function airlockGuardRuntime(airlock: Airlock, registry: ActionRegistry): GuardRuntime {
  return {
    airlock,
    register(definition) {
      if (registry.get(definition.name) === definition) return
      registry.register(definition)
    },
    close: () => airlock.close(),
  }
}
