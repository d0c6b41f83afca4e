/**
 * The runner: how the run stage carries out an action through an executor
 * rather than an in-process handler.
 *
 * Order: redeem a single-use execution ticket → fetch the credential (only
 * now, bound to the ticket) → prechecks (blocking unless `advisory`) →
 * state before → execute → state after → one `executed`/`failed` event with
 * `context.execution` → revoke the credential, whatever happened.
 * Guarantees: nothing reaches the system before the ticket's nonce is
 * consumed; the whole run shares one time budget enforced through an
 * `AbortSignal`; no value of the credential is recorded (every value it
 * held is masked in the call, output, state and error before recording).
 *
 * @module
 */
import type { ActionDefinition } from '../../actions/action-definition.js'
import { AirlockError } from '../../errors/airlock-error.js'
import { ErrorCode } from '../../errors/error-codes.js'
import type { ExecutionRuntime } from '../../executors/execution-runtime.js'
import { executionSpecOf } from '../../executors/execution-spec.js'
import type { Credential, ExecutionRequest, Executor, PrecheckResult } from '../../executors/executor.js'
import { diffState } from '../../executors/state/state-diff.js'
import type { ExecutedOutcome, FailedOutcome } from '../../outcome.js'
import type { PipelineDeps } from '../pipeline-deps.js'
import { failedOutcome, recordEnd, recordExecuted } from '../record/outcomes.js'
import type { RecordFields } from '../record/recorder.js'
import { maskSecrets } from './mask-secrets.js'
import type { RunContext } from './run.js'
import { redeemRunTicket } from './run-ticket.js'

type Deps = Pick<PipelineDeps, 'recorder' | 'store' | 'keys' | 'now'> & {
  readonly execution: ExecutionRuntime | undefined
  readonly run_keys: PipelineDeps['run_keys']
}

/** The executor type an action runs with, or null when it has none (it needs a handler). */
export function executorTypeOf(
  definition: ActionDefinition,
  runtime: ExecutionRuntime | undefined,
): string | null {
  if (definition.handler) return null
  return executionSpecOf(definition.meta)?.executor ?? runtime?.default_executor ?? null
}

/** A failure the runner reports with a stable code. */
class RunFailure extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message)
  }
}

/** Settles with `promise`, or rejects as soon as `signal` aborts (an executor that ignores it cannot hold the run). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason)
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason)
    signal.addEventListener('abort', onAbort, { once: true })
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort))
  })
}

/** The time budget of one run of `definition`. */
export function runTimeout(definition: ActionDefinition, runtime: ExecutionRuntime): number {
  const seconds = executionSpecOf(definition.meta)?.timeout_s
  return seconds ? seconds * 1000 : runtime.timeout_ms
}

interface Trace {
  executor: string
  call: unknown
  prechecks: readonly PrecheckResult[]
  state_before: unknown
  state_after: unknown
  warnings: string[]
  provided_by: { type: string; provider: string } | null
  ticket_nonce: string | null
}

async function carryOut(executor: Executor, request: ExecutionRequest, trace: Trace): Promise<unknown> {
  const { signal } = request
  trace.call = executor.plan(request)
  trace.prechecks = await untilAborted(executor.prechecks(request), signal)
  for (const check of trace.prechecks.filter((c) => !c.passed && c.advisory)) {
    trace.warnings.push(`advisory precheck '${check.name}' failed: ${check.message}`)
  }
  const blocking = trace.prechecks.filter((c) => !c.passed && !c.advisory)
  if (blocking.length > 0) {
    const list = blocking.map((c) => `'${c.name}' (${c.message})`).join(', ')
    throw new RunFailure(ErrorCode.PRECHECK_FAILED, `Precheck failed, nothing was executed: ${list}`)
  }
  trace.state_before = await untilAborted(executor.getState(request), signal).catch((error: unknown) => {
    if (signal.aborted) throw error
    throw new RunFailure(
      ErrorCode.EXECUTOR_FAILED,
      `Could not read the state before running: ${messageOf(error)}`,
    )
  })
  const result = await untilAborted(executor.execute(request), signal)
  try {
    trace.state_after = await untilAborted(executor.getState(request), signal)
  } catch (error) {
    if (!signal.aborted) trace.warnings.push(`could not read the state after running: ${messageOf(error)}`)
  }
  if (!result.ok) {
    if ('output' in result)
      trace.warnings.push(`output: ${JSON.stringify(result.output ?? null).slice(0, 2000)}`)
    throw new RunFailure(ErrorCode.EXECUTOR_FAILED, `The ${executor.type} executor failed: ${result.error}`)
  }
  return result.output
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

function failureOf(
  error: unknown,
  signal: AbortSignal,
  timeout_ms: number,
): { code: ErrorCode; message: string } {
  if (error instanceof RunFailure) return { code: error.code, message: error.message }
  if (signal.aborted && signal.reason === 'timeout') {
    return {
      code: ErrorCode.EXECUTOR_TIMEOUT,
      message: `The executor did not finish within ${timeout_ms} ms and was stopped`,
    }
  }
  if (AirlockError.isInstance(error)) return { code: error.code, message: error.message }
  if (signal.aborted)
    return { code: ErrorCode.EXECUTOR_FAILED, message: 'The run was cancelled by the caller' }
  return { code: ErrorCode.EXECUTOR_FAILED, message: messageOf(error) }
}

/**
 * Runs `definition` with the executor of `type` and records the end. The
 * caller has recorded `started` (its id is `started_id`).
 */
export async function runExecutor(
  deps: Deps,
  definition: ActionDefinition,
  inputs: Record<string, unknown>,
  ctx: RunContext,
  type: string,
  base: RecordFields,
  started_id: string,
): Promise<ExecutedOutcome | FailedOutcome> {
  const runtime = deps.execution
  const began = deps.now().getTime()
  const timeout_ms = runtime ? runTimeout(definition, runtime) : 0
  const controller = new AbortController()
  const timer = setTimeout(() => controller.abort('timeout'), timeout_ms)
  const onCallerAbort = () => controller.abort('cancelled')
  ctx.signal?.addEventListener('abort', onCallerAbort, { once: true })
  const lost = ctx.claim_loss?.reason
  if (lost) controller.abort(lost)
  const unwatch = ctx.claim_loss?.watch((reason) => controller.abort(reason))
  const trace: Trace = {
    executor: type,
    call: null,
    prechecks: [],
    state_before: null,
    state_after: null,
    warnings: [],
    provided_by: null,
    ticket_nonce: null,
  }
  let credential: Credential | undefined
  let secrets: string[] = []
  let output: unknown
  let failure: { code: ErrorCode; message: string } | null = null
  try {
    if (!runtime) {
      throw new RunFailure(ErrorCode.EXECUTOR_UNAVAILABLE, 'No executors are configured in this process')
    }
    const executor = await runtime.executor(type)
    const claims = await redeemRunTicket(deps, definition, inputs, ctx, started_id)
    trace.ticket_nonce = claims.jti
    const binding = { action: claims.action, target: claims.target, nonce: claims.jti }
    credential = await untilAborted(
      runtime.credentials.resolve({ action: definition, params: inputs, binding, signal: controller.signal }),
      controller.signal,
    )
    if (credential) {
      secrets = Object.values(credential.values)
      trace.provided_by = { type: credential.type, provider: credential.provider }
      const bound = credential.binding
      if (
        bound &&
        (bound.nonce !== binding.nonce || bound.action !== binding.action || bound.target !== binding.target)
      ) {
        throw new RunFailure(ErrorCode.CREDENTIAL_UNAVAILABLE, 'The credential is bound to another run')
      }
    }
    output = await carryOut(
      executor,
      {
        action: definition,
        params: inputs,
        target: ctx.target,
        target_id: ctx.decision.target,
        request_id: ctx.request_id,
        credential,
        signal: controller.signal,
        timeout_ms,
      },
      trace,
    )
  } catch (error) {
    failure = failureOf(error, controller.signal, timeout_ms)
  } finally {
    clearTimeout(timer)
    ctx.signal?.removeEventListener('abort', onCallerAbort)
    unwatch?.()
    await credential?.revoke().catch(() => undefined)
  }
  const execution = maskSecrets(
    {
      ...trace,
      duration_ms: deps.now().getTime() - began,
      diff: failure && trace.state_after === null ? null : diffState(trace.state_before, trace.state_after),
    },
    secrets,
  ) as Record<string, unknown>
  if (failure) {
    const message = deps.recorder.redactString(maskSecrets(failure.message, secrets) as string)
    const code = failure.code
    return recordEnd(
      deps,
      'failed',
      { ...base, error: message, context: { code, execution } },
      (audit_id) =>
        failedOutcome(ctx.request_id, audit_id, definition.name, { message, code }, ctx.approval_id),
      ctx.settlement,
    )
  }
  const result = maskSecrets(JSON.parse(JSON.stringify(output ?? null)) as unknown, secrets)
  const finished = { request_id: ctx.request_id, approval_id: ctx.approval_id, action: definition.name }
  return recordExecuted(deps, finished, base, result, { execution }, ctx.settlement)
}
