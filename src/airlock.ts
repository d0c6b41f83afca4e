/**
 * `createAirlock()`: a pipeline with batteries — the memory store when no
 * store is given. The pipeline itself (`src/pipeline/`) takes its store from
 * the caller and imports no implementation; this module is the default
 * runtime that supplies one.
 *
 * @module
 */
import { createExecutionRuntime } from './executors/execution-runtime.js'
import { createPipeline } from './pipeline/create-pipeline.js'
import type { Airlock, AirlockConfig } from './pipeline/pipeline-types.js'
import { memoryStore } from './store/memory/index.js'

export { DEFAULT_APPROVER_ROLES } from './approvals/approval-service.js'

export type {
  Airlock,
  AirlockApprovals,
  AirlockAudit,
  AirlockConfig,
  AirlockRollback,
  ApproveResult,
  CheckOptions,
  CheckResult,
  DecideApprovalOptions,
  ExecuteOptions,
  NotificationReport,
  PlanStep,
  VerifyResult,
} from './pipeline/pipeline-types.js'
export type { ActionSource, TargetSource } from './pipeline/resolve/sources.js'
export type { RollbackRun, RollbackRunOptions } from './pipeline/rollback/rollback.js'
export type { RollbackPlan } from './pipeline/rollback/rollback-plan.js'

/** Warning code of an explicitly empty `approvals.approver_roles`. */
export const OPEN_APPROVAL_WARNING = 'AIRLOCK_OPEN_APPROVAL'

// An empty role list is allowed (a single-user setup), but it lets any authenticated
// caller decide another's request, so it is said once when the pipeline is built.
function warnIfAnyoneMayApprove(config: AirlockConfig): void {
  const roles = config.approvals?.approver_roles
  if (roles === undefined || roles.length > 0) return
  process.emitWarning(
    'approvals.approver_roles is empty: any authenticated caller other than the requester may approve an action that names no approver roles',
    { type: 'SecurityWarning', code: OPEN_APPROVAL_WARNING },
  )
}

/**
 * Wires a pipeline.
 *
 * @remarks Approvers need the `approver` role unless the action or
 * `approvals.approver_roles` names others.
 *
 * @example
 * ```ts
 * const airlock = createAirlock({ actions: [getInvoice], policies: [allowAll()] })
 * const outcome = await airlock.execute(getInvoice, { invoice_id: 'inv_1' }, { caller: 'agent-7' })
 * ```
 */
export function createAirlock(config: AirlockConfig = {}): Airlock {
  warnIfAnyoneMayApprove(config)
  return createPipeline({
    ...config,
    store: config.store ?? memoryStore(),
    execution: createExecutionRuntime(config.executors),
  })
}
