/**
 * Rollback: plan the undo of an executed run from the audit chain, and run
 * it as a new request through the whole pipeline — policy, approvals,
 * limits, the runner's ticket — never around it.
 *
 * Guarantees: a rollback is an ordinary request of the rollback action by
 * the caller, so policy may hold or deny it like any other. Its default
 * idempotency key is `rollback-of-<audit id>`: asking to undo the same run
 * twice replays the first outcome instead of running the undo again.
 *
 * @module
 */
import type { AuditEvent } from '../../audit/audit-event.js'
import { AirlockError } from '../../errors/airlock-error.js'
import { ErrorCode } from '../../errors/error-codes.js'
import type { Principal } from '../../identity/principal.js'
import type { Outcome } from '../../outcome.js'
import { execute } from '../execute.js'
import { toPrincipal } from '../identify/identify.js'
import type { PipelineDeps } from '../pipeline-deps.js'
import { findAuditEvent } from './find-event.js'
import { planRollback, type RollbackPlan } from './rollback-plan.js'

/** Options of a rollback run. */
export interface RollbackRunOptions {
  readonly caller?: Principal | string
  /** Default `rollback-of-<audit id>`, so one run is undone at most once. */
  readonly idempotency_key?: string | null
  readonly signal?: AbortSignal
}

/** The undo's plan and how its request through the pipeline ended. */
export interface RollbackRun {
  readonly plan: RollbackPlan
  readonly outcome: Outcome
}

async function recordedParams(deps: PipelineDeps, event: AuditEvent): Promise<Record<string, unknown>> {
  const page = await deps.store.audit.list(
    { tenant_id: event.tenant_id, request_id: event.request_id, status: 'started' },
    1,
  )
  const inputs = page.items[0]?.inputs
  return typeof inputs === 'object' && inputs !== null ? (inputs as Record<string, unknown>) : {}
}

/** The plan of undoing audit event `id`, for `caller`'s tenant. */
export async function rollbackPlan(
  deps: PipelineDeps,
  caller: Principal | string | undefined,
  id: string,
): Promise<RollbackPlan> {
  const event = await findAuditEvent(deps.store, toPrincipal(caller).tenant_id, id)
  const params = event.status === 'executed' ? await recordedParams(deps, event) : {}
  return planRollback({ event, params }, (name) => deps.policy.current().actions.get(name))
}

/**
 * Sends the undo of audit event `id` through the pipeline as `caller`.
 * @throws AirlockError `ROLLBACK_UNAVAILABLE` when no runnable undo can be built.
 */
export function rollbackRun(
  deps: PipelineDeps,
  id: string,
  options: RollbackRunOptions = {},
): Promise<RollbackRun> {
  // The undo's own request stages nest inside this span.
  return deps.tracer.stage('rollback', {}, async (annotate) => {
    const run = await runUndo(deps, id, options)
    annotate({ 'airlock.action': run.plan.rollback_action ?? '', 'airlock.status': run.outcome.status })
    return run
  })
}

async function runUndo(deps: PipelineDeps, id: string, options: RollbackRunOptions): Promise<RollbackRun> {
  const plan = await rollbackPlan(deps, options.caller, id)
  if (!plan.runnable) {
    throw new AirlockError(
      ErrorCode.ROLLBACK_UNAVAILABLE,
      `The undo of '${id}' cannot run: ${plan.warnings.join('; ')}`,
      { details: { plan } },
    )
  }
  const outcome = (await execute(
    deps,
    plan.rollback_action,
    { ...plan.params },
    {
      ...(options.caller === undefined ? {} : { caller: options.caller }),
      target: plan.target,
      idempotency_key: options.idempotency_key ?? `rollback-of-${id}`,
      ...(options.signal ? { signal: options.signal } : {}),
    },
  )) as Outcome
  return { plan, outcome }
}
