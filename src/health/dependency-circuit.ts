/**
 * A circuit over one dependency (the store's database, the limits' Redis):
 * it opens on a connection failure, so requests while the dependency is down
 * fail at once instead of queueing for a pool or a reconnection, and closes
 * again by itself on the first call that succeeds.
 *
 * @module
 */

/** `up`: calls go through. `down`: calls fail fast, except one probe per interval. */
export type DependencyState = 'up' | 'down'

/** What the process knows about one dependency; what `/ready` reports. */
export interface DependencyHealth {
  /** `store` or `limits`. */
  readonly name: string
  readonly state: DependencyState
  /** The last failure while down, for the log (never a client object or a connection string). */
  readonly reason: string | null
  /** Called once per change of state, never for repeated failures while down. */
  onChange(listener: (health: DependencyHealth) => void): () => void
}

/** Options of {@link dependencyCircuit}. */
export interface DependencyCircuitOptions {
  readonly name: string
  /** While down, at most one call per this many ms is let through to probe. Default 500. */
  readonly probe_interval_ms?: number
  readonly now?: () => number
}

/** The circuit's controls, used by the module that talks to the dependency. */
export interface DependencyCircuit extends DependencyHealth {
  /**
   * Whether a call may go to the dependency now: always while up; while down,
   * only the first call in each probe interval (the others should fail fast).
   */
  admit(): boolean
  /** A call reached the dependency and got an answer (even an SQL error). */
  succeeded(): void
  /** A call could not reach the dependency (refused, reset, timed out). */
  failed(reason: string): void
}

/**
 * Creates a circuit that starts up.
 *
 * @remarks The circuit never retries on its own: recovery is noticed by the
 * next probe, which is either a request or a readiness check. Listeners are
 * called synchronously and must not throw.
 */
export function dependencyCircuit(options: DependencyCircuitOptions): DependencyCircuit {
  const interval = options.probe_interval_ms ?? 500
  const now = options.now ?? Date.now
  const listeners = new Set<(health: DependencyHealth) => void>()
  let state: DependencyState = 'up'
  let reason: string | null = null
  let nextProbe = 0

  const circuit: DependencyCircuit = {
    name: options.name,
    get state() {
      return state
    },
    get reason() {
      return reason
    },
    onChange(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    admit() {
      if (state === 'up') return true
      const t = now()
      if (t < nextProbe) return false
      nextProbe = t + interval
      return true
    },
    succeeded() {
      if (state === 'up') return
      state = 'up'
      reason = null
      for (const listener of listeners) listener(circuit)
    },
    failed(why) {
      nextProbe = now() + interval
      if (state === 'down') return
      state = 'down'
      reason = why
      for (const listener of listeners) listener(circuit)
    },
  }
  return circuit
}
