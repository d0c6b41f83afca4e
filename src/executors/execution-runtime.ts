/**
 * What the run stage needs from the executors: the executor for a type, the
 * credential for a run, the default executor and time budget. Built from
 * {@link ExecutorsConfig} by {@link createExecutionRuntime}; the pipeline
 * only sees this interface, so it imports no executor.
 *
 * @module
 */
import type { CredentialProviderConfig } from './credentials/credential-config.js'
import { type CredentialResolver, createCredentialResolver } from './credentials/credential-resolver.js'
import type { Executor, ExecutorType } from './executor.js'
import { createExecutorRegistry, type ExecutorFactory, type ExecutorSettings } from './registry.js'

/** The `executors` part of an Airlock configuration. */
export interface ExecutorsConfig {
  /** The executor of actions that have no handler and name none. None by default. */
  readonly default?: ExecutorType
  /** Time budget of one run (prechecks, state, execute) unless the action sets `timeout_s`. Default 60 s. */
  readonly timeout_ms?: number
  /** Settings per executor type, e.g. `{ http: { allow: ['https://api.example.com/'] } }`. */
  readonly settings?: Readonly<Record<string, ExecutorSettings>>
  /** Where each credential type comes from. */
  readonly credentials?: Readonly<Record<string, CredentialProviderConfig>>
  /** Extra or replacement executor factories. */
  readonly factories?: Readonly<Record<string, ExecutorFactory>>
}

export interface ExecutionRuntime {
  readonly default_executor: ExecutorType | null
  readonly timeout_ms: number
  /** Throws `EXECUTOR_UNAVAILABLE`. */
  executor(type: string): Promise<Executor>
  readonly credentials: CredentialResolver
}

export const DEFAULT_EXECUTION_TIMEOUT_MS = 60_000

/** @throws AirlockError `CONFIG_INVALID` for bad credential settings. */
export function createExecutionRuntime(config: ExecutorsConfig = {}): ExecutionRuntime {
  const registry = createExecutorRegistry(config.settings, config.factories)
  return {
    default_executor: config.default ?? null,
    timeout_ms: config.timeout_ms ?? DEFAULT_EXECUTION_TIMEOUT_MS,
    executor: (type) => registry.get(type),
    credentials: createCredentialResolver(config.credentials),
  }
}
