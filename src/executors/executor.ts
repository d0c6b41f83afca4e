/**
 * The contract between the run stage and whatever carries out an action that
 * has no in-process handler (those stay with `pipeline/run/invoke-handler`):
 * a subprocess, an HTTP call, the Kubernetes API or AWS. The runner (in `pipeline/run`) owns the order — ticket, credential,
 * prechecks, state before, execute, state after, audit, revoke — and an
 * executor only knows how to talk to its system.
 *
 * Every method takes the same {@link ExecutionRequest}, honours its
 * `signal` (the runner aborts it on timeout or when the caller goes away)
 * and reports failure as a value where the failure is the system's answer
 * (a 404 from the API, a non-zero exit); it throws only for its own faults.
 *
 * @module
 */
import type { ActionDefinition } from '../actions/action-definition.js'
import type { Target } from '../inventory/target.js'

/** The executor kinds an action may name in YAML (`executor: ...`). */
export type ExecutorType = 'dry-run' | 'subprocess' | 'http' | 'kubernetes' | 'aws'

export const EXECUTOR_TYPES: readonly ExecutorType[] = ['dry-run', 'subprocess', 'http', 'kubernetes', 'aws']

/** The run a credential was fetched for: the redeemed ticket's action, target and nonce. */
export interface CredentialBinding {
  readonly action: string
  readonly target: string | null
  readonly nonce: string
}

/**
 * A secret fetched for one run. `values` is never logged, audited or put in
 * an error; the runner calls `revoke()` when the run ends, whatever happened.
 */
export interface Credential {
  /** Which provider answered (`env`, `file`, `vault`), for messages and audit. */
  readonly provider: string
  /** The credential type the action declared (`kubernetes`, `aws`, ...). */
  readonly type: string
  /** The secret material, e.g. `{ token }`, `{ kubeconfig }`, `{ access_key_id, secret_access_key }`. */
  readonly values: Readonly<Record<string, string>>
  /** The run it may serve; the runner refuses to hand it to any other. */
  readonly binding?: CredentialBinding
  /** Forgets (and where the provider can, revokes) the secret. Idempotent. */
  revoke(): Promise<void>
}

/** One call to carry out. Built by the runner after the ticket validated. */
export interface ExecutionRequest {
  readonly action: ActionDefinition
  /** The validated inputs. */
  readonly params: Readonly<Record<string, unknown>>
  readonly target: Target | undefined
  readonly target_id: string | null
  readonly request_id: string
  /** Present when the action declares a `credentials` block. */
  readonly credential: Credential | undefined
  /** Aborted on timeout or when the caller gives up. */
  readonly signal: AbortSignal
  /** The time budget for this call; the runner also enforces it through `signal`. */
  readonly timeout_ms: number
}

/**
 * What would be (or was) sent, exactly: the argv of a subprocess, the method
 * and URL of an HTTP call, or the API operation with its arguments. Values
 * are redacted by the runner before they are stored or shown.
 */
export type PlannedCall =
  | { readonly kind: 'argv'; readonly argv: readonly string[] }
  | {
      readonly kind: 'http'
      readonly method: string
      readonly url: string
      readonly headers: Readonly<Record<string, string>>
      readonly body: unknown
    }
  | {
      readonly kind: 'api'
      /** e.g. `kubernetes`, `aws` */
      readonly service: string
      /** e.g. `AppsV1Api.patchNamespacedDeploymentScale`, `EC2.StopInstances` */
      readonly operation: string
      readonly args: unknown
    }

export interface PrecheckResult {
  readonly name: string
  readonly passed: boolean
  /** Advisory checks only warn; the others stop the run when they fail. */
  readonly advisory: boolean
  readonly message: string
}

/** The system's answer to an `execute`. */
export type ExecutionResult =
  | { readonly ok: true; readonly output: unknown }
  | { readonly ok: false; readonly error: string; readonly output?: unknown }

/** Captured state of the thing an action touches, as a plain JSON object. */
export type StateSnapshot = Readonly<Record<string, unknown>>

export interface Executor {
  readonly type: ExecutorType
  /** The exact call `execute` would make. Pure: contacts nothing. */
  plan(request: ExecutionRequest): PlannedCall
  /** Runs the action's declared prechecks (and the executor's own). */
  prechecks(request: ExecutionRequest): Promise<readonly PrecheckResult[]>
  /** Reads the state named by the action's `state_fields`; `{}` when the action declares none. */
  getState(request: ExecutionRequest): Promise<StateSnapshot>
  execute(request: ExecutionRequest): Promise<ExecutionResult>
}
