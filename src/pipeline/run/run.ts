/**
 * Run: carry out an authorized request once and record how it ended.
 *
 * Reads: the definition, the validated inputs. Writes: `started` before the
 * handler is called (unless it came committed with the idempotency claim),
 * then `executed` or `failed`.
 * Guarantees: `started` is durable before the handler is called, so a crash
 * mid-run leaves evidence. `progress.started` tells the caller whether the
 * handler may have run, which decides what happens to an idempotency claim
 * when recording the end fails. The result is a JSON round trip of what the
 * handler returned, so the first caller and every replay see the same value.
 *
 * @module
 */
import type { ActionDefinition } from '../../actions/action-definition.js'
import type { AuditEvent } from '../../audit/audit-event.js'
import type { ClaimLoss } from '../../idempotency/idempotency-gate.js'
import type { Principal } from '../../identity/principal.js'
import type { Target } from '../../inventory/target.js'
import type { ExecutedOutcome, FailedOutcome } from '../../outcome.js'
import type { Decision } from '../../policy/decision.js'
import type { PipelineDeps } from '../pipeline-deps.js'
import { errorMessage, failedOutcome, recordEnd, recordExecuted, type Settle } from '../record/outcomes.js'
import type { RecordFields } from '../record/recorder.js'
import { invokeHandler } from './invoke-handler.js'
import { executorTypeOf, runExecutor } from './run-executor.js'

/** What the run stage needs to know about the request it runs. */
export interface RunContext {
  readonly request_id: string
  readonly principal: Principal
  readonly decision: Decision
  readonly target: Target | undefined
  readonly approval_id: string | null
  readonly approver: string | null
  readonly idempotency_key: string | null
  readonly signal: AbortSignal | undefined
  /** Facts about how the decision was reached (shadow verdict, cumulative risk), kept in `started`. */
  readonly context?: Record<string, unknown>
  /** Stores the outcome under the request's idempotency key, in the commit of the event that ends the run. */
  readonly settlement?: Settle
  /** The run's `started` event, when it was committed with the idempotency claim ({@link startedFields}). */
  readonly started?: AuditEvent | null
  /** Tells the run its idempotency claim was lost: it is then stopped as when the caller aborts. */
  readonly claim_loss?: ClaimLoss | null
}

/** What a run's `started` event records; the claim stage commits it with a fresh key's claim. */
export function startedFields(definition: ActionDefinition, inputs: unknown, ctx: RunContext): RecordFields {
  const context = ctx.context !== undefined && Object.keys(ctx.context).length > 0 ? ctx.context : null
  return { ...baseFields(definition, ctx), inputs, ...(context ? { context } : {}) }
}

function baseFields(definition: ActionDefinition, ctx: RunContext): RecordFields {
  return {
    request_id: ctx.request_id,
    principal: ctx.principal,
    action: definition.name,
    decision: ctx.decision,
    approval_id: ctx.approval_id,
    approver: ctx.approver,
    idempotency_key: ctx.idempotency_key,
  }
}

function jsonValue(value: unknown): unknown {
  const text = JSON.stringify(value)
  return text === undefined ? null : JSON.parse(text)
}

export async function run(
  deps: Pick<PipelineDeps, 'recorder' | 'store' | 'keys' | 'now' | 'execution' | 'run_keys'>,
  definition: ActionDefinition,
  inputs: unknown,
  ctx: RunContext,
  progress: { started: boolean } = { started: false },
): Promise<ExecutedOutcome | FailedOutcome> {
  const base = baseFields(definition, ctx)
  const started =
    ctx.started ?? (await deps.recorder.record('started', startedFields(definition, inputs, ctx)))
  progress.started = true
  const executor = executorTypeOf(definition, deps.execution)
  if (executor !== null) {
    const params = (inputs ?? {}) as Record<string, unknown>
    return runExecutor(deps, definition, params, ctx, executor, base, started.id)
  }
  const ran = await invokeHandler(definition, inputs, ctx)
  let result: unknown
  if (ran.ok) {
    try {
      result = jsonValue(ran.value)
    } catch (error) {
      return recordFailure(deps, definition, ctx, base, error)
    }
  } else {
    return recordFailure(deps, definition, ctx, base, ran.error)
  }
  const finished = { request_id: ctx.request_id, approval_id: ctx.approval_id, action: definition.name }
  return recordExecuted(deps, finished, base, result, undefined, ctx.settlement)
}

async function recordFailure(
  deps: Pick<PipelineDeps, 'recorder'>,
  definition: ActionDefinition,
  ctx: RunContext,
  base: RecordFields,
  error: unknown,
): Promise<FailedOutcome> {
  const err = errorMessage(error)
  // Handler errors often quote connection strings or tokens: mask them like any other value.
  const failure = { message: deps.recorder.redactString(err.message), code: err.code }
  return recordEnd(
    deps,
    'failed',
    { ...base, error: failure.message },
    (audit_id) => failedOutcome(ctx.request_id, audit_id, definition.name, failure, ctx.approval_id),
    ctx.settlement,
  )
}
