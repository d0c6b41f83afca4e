import type { DependencyHealth } from './dependency-circuit.js'

/**
 * Something the gateway needs to answer requests (the store's database, the
 * limits' Redis), as `/ready` reports it.
 */
export interface Dependency {
  /** `store`, `limits`, ... */
  readonly name: string
  /** A required dependency that is down makes the gateway not ready (503). */
  readonly required: boolean
  /** Resolves when the dependency answers; rejects when it does not. */
  check(): Promise<void>
  /** Its circuit, when it has one: state changes are logged once each. */
  readonly health?: DependencyHealth
}
