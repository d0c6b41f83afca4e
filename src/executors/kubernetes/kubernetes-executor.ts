/**
 * The `kubernetes` executor: carries out the shipped Kubernetes catalogue's
 * actions through `@kubernetes/client-node` (loaded on first use).
 *
 * @module
 */
import type {
  ExecutionRequest,
  ExecutionResult,
  Executor,
  PlannedCall,
  PrecheckResult,
  StateSnapshot,
} from '../executor.js'
import { KUBERNETES_ACTIONS } from './action-table.js'
import { describeApiError } from './api-error.js'
import { type KubeAction, KubeParams, statusOf } from './kube-action.js'
import { createKubeApis, type KubeConfigSource } from './kube-client.js'

/** Options of {@link kubernetesExecutor}. */
export interface KubernetesExecutorOptions extends KubeConfigSource {
  /**
   * Pause before retrying an eviction a PodDisruptionBudget refused (429).
   * Default 5000 ms.
   */
  readonly eviction_retry_ms?: number
}

interface Declared {
  readonly name: string
  readonly advisory?: boolean
}

function lookup(request: ExecutionRequest): KubeAction {
  const action = KUBERNETES_ACTIONS[request.action.name]
  if (action === undefined) {
    throw new Error(
      `the kubernetes executor has no mapping for action '${request.action.name}'; it runs: ${Object.keys(KUBERNETES_ACTIONS).join(', ')}`,
    )
  }
  return action
}

function declaredPrechecks(request: ExecutionRequest): readonly Declared[] {
  const prechecks = (request.action.meta as { prechecks?: readonly Declared[] } | undefined)?.prechecks
  return prechecks ?? []
}

function hasStateFields(request: ExecutionRequest): boolean {
  const fields = (request.action.meta as { state_fields?: readonly unknown[] } | undefined)?.state_fields
  return (fields?.length ?? 0) > 0
}

/** A client error that is the API server's answer becomes a failed result; anything else is ours and throws. */
async function answer<T>(work: () => Promise<T>, onApiError: (reason: string) => T): Promise<T> {
  try {
    return await work()
  } catch (error) {
    const reason = describeApiError(error)
    if (reason === undefined) throw error
    return onApiError(reason)
  }
}

/**
 * Creates the executor. Each run's cluster comes from the run's credential
 * (`kubeconfig`, or `token` + `server`), else `options.kubeconfig` /
 * `options.kubeconfig_path`, else the default kubeconfig lookup.
 *
 * @remarks Prechecks are the ones the action declares, by name; a declared
 * check this executor does not know fails (blocking unless advisory), so a
 * misspelt check never passes silently.
 */
export function kubernetesExecutor(options: KubernetesExecutorOptions = {}): Executor {
  const retryMs = options.eviction_retry_ms ?? 5000
  const apis = (request: ExecutionRequest) => createKubeApis(options, request.credential, request.signal)

  return {
    type: 'kubernetes',
    plan(request: ExecutionRequest): PlannedCall {
      const call = lookup(request).plan(new KubeParams(request.params))
      return { kind: 'api', service: 'kubernetes', operation: call.operation, args: call.args }
    },

    async prechecks(request: ExecutionRequest): Promise<readonly PrecheckResult[]> {
      const action = lookup(request)
      const declared = declaredPrechecks(request)
      if (declared.length === 0) return []
      const api = await apis(request)
      const params = new KubeParams(request.params)
      const results: PrecheckResult[] = []
      for (const check of declared) {
        const advisory = check.advisory === true
        const fn = action.checks[check.name]
        if (fn === undefined) {
          results.push({
            name: check.name,
            passed: false,
            advisory,
            message: `the kubernetes executor has no check named '${check.name}'`,
          })
          continue
        }
        const result = await answer(
          () => fn(api, params),
          (reason) => ({ passed: false, message: reason }),
        )
        results.push({ name: check.name, advisory, ...result })
      }
      return results
    },

    async getState(request: ExecutionRequest): Promise<StateSnapshot> {
      const action = lookup(request)
      if (action.state === undefined || !hasStateFields(request)) return {}
      const api = await apis(request)
      const read = action.state
      try {
        return await read(api, new KubeParams(request.params))
      } catch (error) {
        // A missing object has no state: {} rather than a failure, so a create or delete still records a diff.
        if (statusOf(error) === 404) return {}
        throw error
      }
    },

    async execute(request: ExecutionRequest): Promise<ExecutionResult> {
      const action = lookup(request)
      const api = await apis(request)
      const context = {
        signal: request.signal,
        deadline: Date.now() + request.timeout_ms,
        eviction_retry_ms: retryMs,
      }
      return answer(
        () => action.run(api, new KubeParams(request.params), context),
        (reason) => ({ ok: false, error: reason }),
      )
    },
  }
}
