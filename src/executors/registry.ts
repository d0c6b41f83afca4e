/**
 * Which executor carries out `executor: <type>`. A type maps to a factory
 * that receives that type's settings (the `executors.<type>` block of the
 * configuration) and builds the executor once, on first use: executors
 * backed by heavy optional packages (Kubernetes, AWS) load them only then.
 *
 * @module
 */
import { AirlockError } from '../errors/airlock-error.js'
import { ErrorCode } from '../errors/error-codes.js'
import type { AwsExecutorConfig } from './aws/aws-executor-config.js'
import { dryRunExecutor } from './dry-run/dry-run-executor.js'
import type { Executor, ExecutorType } from './executor.js'
import { parseExecutorSettings } from './executor-settings.js'
import { httpExecutor } from './http/http-executor.js'
import type { KubernetesExecutorOptions } from './kubernetes/kubernetes-executor.js'
import { subprocessExecutor } from './subprocess/subprocess-executor.js'

/** The settings of one executor type, as configured; the factory validates them. */
export type ExecutorSettings = Readonly<Record<string, unknown>>

/** Builds an executor from its settings; may load optional packages. */
export type ExecutorFactory = (settings: ExecutorSettings) => Executor | Promise<Executor>

/**
 * The executors every Airlock knows. A further executor is one entry here,
 * loaded lazily when its packages are optional (as kubernetes and aws are).
 */
export const builtinExecutors: Partial<Record<ExecutorType, ExecutorFactory>> = {
  'dry-run': () => dryRunExecutor(),
  subprocess: (settings) => subprocessExecutor(settings),
  http: (settings) => httpExecutor(settings),
  // Loaded on first use, so @kubernetes/client-node and the AWS SDK stay optional.
  // The parsed settings carry no key set to undefined, which is what the options types forbid.
  kubernetes: async (settings) =>
    (await import('./kubernetes/index.js')).kubernetesExecutor(
      parseExecutorSettings('kubernetes', settings) as KubernetesExecutorOptions,
    ),
  aws: async (settings) =>
    (await import('./aws/index.js')).awsExecutor(parseExecutorSettings('aws', settings) as AwsExecutorConfig),
}

const extraExecutors = new Map<string, ExecutorFactory>()

/** Registers (or replaces) the factory of an executor type for every registry made afterwards. */
export function registerExecutor(type: ExecutorType, factory: ExecutorFactory): void {
  extraExecutors.set(type, factory)
}

/** Executors by type, each built once from its settings. */
export interface ExecutorRegistry {
  /** Whether `type` has a factory. */
  has(type: string): boolean
  /** The executor for `type`; throws `EXECUTOR_UNAVAILABLE` when none is registered or it cannot be built. */
  get(type: string): Promise<Executor>
}

/** A registry over the built-ins, registered extras and `factories` (which win). */
export function createExecutorRegistry(
  settings: Readonly<Record<string, ExecutorSettings>> = {},
  factories: Readonly<Record<string, ExecutorFactory>> = {},
): ExecutorRegistry {
  const table = new Map<string, ExecutorFactory>([
    ...(Object.entries(builtinExecutors) as [string, ExecutorFactory][]),
    ...extraExecutors,
    ...Object.entries(factories),
  ])
  const built = new Map<string, Promise<Executor>>()
  return {
    has: (type) => table.has(type),
    get(type) {
      const factory = table.get(type)
      if (!factory) {
        return Promise.reject(
          new AirlockError(
            ErrorCode.EXECUTOR_UNAVAILABLE,
            `No executor '${type}' is available in this process (known: ${[...table.keys()].sort().join(', ')})`,
          ),
        )
      }
      let executor = built.get(type)
      if (!executor) {
        executor = (async () => factory(settings[type] ?? {}))().catch((error: unknown) => {
          built.delete(type)
          if (AirlockError.isInstance(error)) throw error
          throw new AirlockError(
            ErrorCode.EXECUTOR_UNAVAILABLE,
            `Executor '${type}' could not be started: ${(error as Error).message ?? String(error)}`,
            { cause: error },
          )
        })
        built.set(type, executor)
      }
      return executor
    },
  }
}
