/**
 * Health of the gateway's dependencies: circuits that fail fast while a
 * dependency is down and report each change of state once.
 *
 * @module
 */

export type { Dependency } from './dependency.js'
export {
  type DependencyCircuit,
  type DependencyCircuitOptions,
  type DependencyHealth,
  type DependencyState,
  dependencyCircuit,
} from './dependency-circuit.js'
