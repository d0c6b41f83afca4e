/**
 * `executor: dry-run`: answers with the exact call the action's subprocess
 * or http block describes (or the API operation it names) and runs nothing.
 *
 * @module
 */
import { executionSpecOf } from '../execution-spec.js'
import type { ExecutionRequest, Executor, PlannedCall } from '../executor.js'
import { planRequest } from '../http/http-executor.js'
import { planArgv } from '../subprocess/subprocess-executor.js'

function plan(request: ExecutionRequest): PlannedCall {
  const spec = executionSpecOf(request.action.meta)
  if (spec?.subprocess) return planArgv(request)
  if (spec?.http) return planRequest(request)
  return { kind: 'api', service: 'dry-run', operation: request.action.name, args: request.params }
}

/** The dry-run executor: every run is a plan. */
export function dryRunExecutor(): Executor {
  return {
    type: 'dry-run',
    plan,
    prechecks: async (request) =>
      ((request.action.meta.prechecks ?? []) as { name: string; advisory?: boolean }[]).map((check) => ({
        name: check.name,
        passed: true,
        advisory: check.advisory === true,
        message: 'dry run: not checked',
      })),
    getState: async () => ({}),
    execute: async (request) => ({ ok: true, output: { dry_run: true, call: plan(request) } }),
  }
}
