/**
 * Dry run: the run stage in the mode that stops before anything happens.
 * It asks the action's own executor for the exact call it would make
 * (`plan`, which contacts nothing), names the credential provider that
 * would answer without fetching from it, lists the prechecks, and records
 * one `dry_run` event.
 *
 * Reads: the definition, the validated inputs, the execution runtime.
 * Writes: one audit event. Guarantees: no ticket is minted or redeemed
 * (its nonce stays unspent), no credential is fetched, no executor method
 * other than `plan` is called, no approval is created.
 *
 * @module
 */
import type { ActionDefinition } from '../../actions/action-definition.js'
import type { ExecutionRuntime } from '../../executors/execution-runtime.js'
import type { PrecheckEntry } from '../../executors/execution-spec.js'
import type { DryRunOutcome } from '../../outcome.js'
import type { PipelineDeps } from '../pipeline-deps.js'
import type { AuthorizedRequest, RequestContext } from '../request-context.js'
import { executorTypeOf, runTimeout } from './run-executor.js'

type Deps = Pick<PipelineDeps, 'recorder' | 'execution'>

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

interface Plan {
  executor: string
  call: unknown
  credential: DryRunOutcome['credential']
  warnings: string[]
}

async function planCall(
  runtime: ExecutionRuntime | undefined,
  definition: ActionDefinition,
  params: Record<string, unknown>,
  ctx: RequestContext,
  target_id: string | null,
  type: string,
): Promise<Plan> {
  const plan: Plan = { executor: type, call: null, credential: null, warnings: [] }
  if (!runtime) {
    plan.warnings.push('no executors are configured in this process: a real run would fail')
    return plan
  }
  try {
    plan.credential = runtime.credentials.describe(definition, params)
  } catch (error) {
    plan.warnings.push(`a real run would fail before executing: ${messageOf(error)}`)
  }
  try {
    const executor = await runtime.executor(type)
    plan.call = executor.plan({
      action: definition,
      params,
      target: undefined,
      target_id,
      request_id: ctx.request_id,
      credential: undefined,
      signal: new AbortController().signal,
      timeout_ms: runTimeout(definition, runtime),
    })
  } catch (error) {
    plan.warnings.push(`the call could not be planned, so a real run would fail: ${messageOf(error)}`)
  }
  return plan
}

/** Plans the run of an authorized (allowed or held) request and records it as a dry run. */
export async function dryRun(
  deps: Deps,
  ctx: RequestContext,
  auth: AuthorizedRequest,
  definition: ActionDefinition,
): Promise<DryRunOutcome> {
  const { decision, evaluation } = auth
  const params = (evaluation.inputs ?? {}) as Record<string, unknown>
  const type = executorTypeOf(definition, deps.execution)
  const plan: Plan =
    type === null
      ? {
          executor: 'handler',
          call: null,
          credential: null,
          warnings: ['carried out by an in-process handler: a dry run cannot show what it would do'],
        }
      : await planCall(deps.execution, definition, params, ctx, decision.target, type)
  if (decision.decision === 'require_approval') {
    plan.warnings.unshift(`a real run would be held for approval first: ${decision.reason}`)
  }
  const prechecks = ((definition.meta.prechecks ?? []) as readonly PrecheckEntry[]).map((check) => ({
    name: check.name,
    advisory: check.advisory === true,
  }))
  const details = { executor: plan.executor, call: plan.call, prechecks, credential: plan.credential }
  const event = await deps.recorder.record('dry_run', {
    request_id: ctx.request_id,
    principal: ctx.principal,
    action: definition.name,
    decision,
    inputs: params,
    idempotency_key: ctx.idempotency_key,
    ticket_id: ctx.ticket_id,
    context: { ...auth.context, dry_run: { ...details, warnings: plan.warnings } },
  })
  // The caller sees what the record keeps: the redacted call, not the raw one.
  const recorded = (event.context?.dry_run ?? {}) as { call?: unknown }
  return {
    status: 'dry_run',
    request_id: ctx.request_id,
    audit_id: event.id,
    action: definition.name,
    replayed: false,
    decision,
    ...details,
    call: recorded.call ?? null,
    warnings: plan.warnings,
  }
}
