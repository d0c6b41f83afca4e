/**
 * The shape of one catalogue action as the kubernetes executor knows it: the
 * call it plans, how it runs, the state it reads and the checks it can make.
 *
 * @module
 */
import type { ExecutionResult, StateSnapshot } from '../executor.js'
import type { KubeApis } from './kube-client.js'

/** The API operation an action makes, as dry-run shows it. */
export interface KubeCall {
  /** e.g. `AppsV1Api.patchNamespacedDeploymentScale` */
  readonly operation: string
  readonly args: unknown
}

/** The answer of one precheck. */
export interface KubeCheck {
  readonly passed: boolean
  readonly message: string
}

/** What a run may use besides the clients. */
export interface KubeRunContext {
  readonly signal: AbortSignal
  /** Epoch milliseconds after which nothing new should be started. */
  readonly deadline: number
  /** Pause between evictions a PodDisruptionBudget refused. */
  readonly eviction_retry_ms: number
}

export type KubeCheckFn = (api: KubeApis, p: KubeParams) => Promise<KubeCheck>

export interface KubeAction {
  /** The exact call `run` makes. Pure: contacts nothing. */
  plan(p: KubeParams): KubeCall
  run(api: KubeApis, p: KubeParams, context: KubeRunContext): Promise<ExecutionResult>
  /** Reads the action's declared state fields from the object itself. */
  state?(api: KubeApis, p: KubeParams): Promise<StateSnapshot>
  /** Checks by the names the catalogue's `prechecks` use. */
  readonly checks: Readonly<Record<string, KubeCheckFn>>
}

/**
 * Typed access to validated inputs. The action's parameter rules already ran,
 * so a wrong type here is a catalogue/executor mismatch: it throws.
 */
export class KubeParams {
  constructor(private readonly values: Readonly<Record<string, unknown>>) {}

  str(name: string): string {
    const value = this.values[name]
    if (typeof value !== 'string') throw new TypeError(`parameter '${name}' must be a string`)
    return value
  }

  optStr(name: string): string | undefined {
    return this.values[name] === undefined || this.values[name] === null ? undefined : this.str(name)
  }

  int(name: string): number {
    const value = this.values[name]
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      throw new TypeError(`parameter '${name}' must be an integer`)
    }
    return value
  }

  optInt(name: string): number | undefined {
    return this.values[name] === undefined || this.values[name] === null ? undefined : this.int(name)
  }

  optBool(name: string): boolean | undefined {
    const value = this.values[name]
    if (value === undefined || value === null) return undefined
    if (typeof value !== 'boolean') throw new TypeError(`parameter '${name}' must be a boolean`)
    return value
  }

  strings(name: string): string[] {
    const value = this.values[name]
    if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
      throw new TypeError(`parameter '${name}' must be a list of strings`)
    }
    return value as string[]
  }
}

/** A successful run with `output`. */
export function done(output: unknown): ExecutionResult {
  return { ok: true, output }
}

/** A run the cluster (or the action's own rules) refused. */
export function refused(error: string, output?: unknown): ExecutionResult {
  return output === undefined ? { ok: false, error } : { ok: false, error, output }
}

/** A check that passes when `read` finds the object and fails on 404. */
export function exists(kind: string, name: (p: KubeParams) => string, read: KubeCheckFn): KubeCheckFn {
  return async (api, p) => {
    try {
      return await read(api, p)
    } catch (error) {
      if (statusOf(error) === 404) return { passed: false, message: `${kind} ${name(p)} not found` }
      throw error
    }
  }
}

/** The HTTP status of an API error from the client, if it is one. */
export function statusOf(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'number' ? code : undefined
}

/** `ns/name` for messages. */
export function qualified(namespace: string, name: string): string {
  return `${namespace}/${name}`
}
