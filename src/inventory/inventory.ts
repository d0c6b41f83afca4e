/**
 * The targets actions can be aimed at, by id.
 *
 * @module
 */
import { AirlockError } from '../errors/airlock-error.js'
import { ErrorCode } from '../errors/error-codes.js'
import type { Environment, Target } from './target.js'

/**
 * A fixed set of targets, unique by id, in the order given.
 *
 * @remarks Lookups are exact string matches on `id`. An unknown id is
 * `undefined` here; the pipeline keeps the requested id and treats the
 * target as `critical` (see `effectiveRisk`).
 */
export class Inventory {
  readonly #targets = new Map<string, Target>()

  /** @throws AirlockError `CONFIG_INVALID` when two targets share an id. */
  constructor(targets: Iterable<Target> = []) {
    for (const target of targets) {
      if (this.#targets.has(target.id)) {
        throw new AirlockError(ErrorCode.CONFIG_INVALID, `Duplicate target id: ${target.id}`, {
          details: { target: target.id },
        })
      }
      this.#targets.set(target.id, Object.freeze({ ...target, labels: Object.freeze({ ...target.labels }) }))
    }
  }

  /** The target with this id, or undefined. */
  get(id: string): Target | undefined {
    return this.#targets.get(id)
  }

  has(id: string): boolean {
    return this.#targets.has(id)
  }

  /** Number of targets. */
  get size(): number {
    return this.#targets.size
  }

  /** Every target, in inventory order. */
  list(): Target[] {
    return [...this.#targets.values()]
  }

  /** Targets in `environment`, in inventory order. */
  listByEnvironment(environment: Environment): Target[] {
    return this.list().filter((t) => t.environment === environment)
  }

  /** Targets of `type` (exact match), in inventory order. */
  listByType(type: string): Target[] {
    return this.list().filter((t) => t.type === type)
  }

  /** The distinct target types present, sorted. */
  types(): string[] {
    return [...new Set(this.list().map((t) => t.type))].sort()
  }
}
