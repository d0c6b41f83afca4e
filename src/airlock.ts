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

/**
 * Wires a pipeline.
 *
 * @example
 * ```ts
 * const airlock = createAirlock({ actions: [getInvoice], policies: [allowAll()] })
 * const outcome = await airlock.execute(getInvoice, { invoice_id: 'inv_1' }, { caller: 'agent-7' })
 * ```
 */
export function createAirlock(config: AirlockConfig = {}): Airlock {
  return createPipeline({
    ...config,
    store: config.store ?? memoryStore(),
    execution: createExecutionRuntime(config.executors),
  })
}
