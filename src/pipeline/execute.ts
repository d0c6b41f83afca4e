/**
 * One request, in pipeline order: identify → resolve/validate → authorize →
 * (denied: record) → claim → hold | run → settle the claim. Each arrow is a
 * call into the stage's folder; this function only decides what follows what.
 * A dry run leaves after authorize (without spending limits) for the run
 * stage's planning mode: it claims no key and holds nothing.
 *
 * @module
 */
import { AirlockError } from '../errors/airlock-error.js'
import { ErrorCode } from '../errors/error-codes.js'
import type { DeniedOutcome, DryRunOutcome, Outcome } from '../outcome.js'
import { authorize } from './authorize/authorize.js'
import { claim } from './claim/claim.js'
import { hold } from './hold/hold.js'
import { identify } from './identify/identify.js'
import type { PipelineDeps } from './pipeline-deps.js'
import type { ExecuteOptions } from './pipeline-types.js'
import { recordDenied } from './record/outcomes.js'
import type { AuthorizedRequest, RequestContext } from './request-context.js'
import { dryRun } from './run/dry-run.js'
import { type RunContext, run, startedFields } from './run/run.js'

export async function execute(
  deps: PipelineDeps,
  action: string,
  inputs: Record<string, unknown>,
  options: ExecuteOptions = {},
): Promise<Outcome | DryRunOutcome> {
  const ctx = identify(action, inputs, options)
  if (options.dry_run === true) {
    return deps.tracer.stage('dry_run', { 'airlock.action': action }, async (annotate) => {
      const planned = await planOnly(deps, ctx)
      const decision = planned.decision
      annotate({
        'airlock.decision': decision?.decision ?? 'deny',
        'airlock.rule': decision?.rule ?? '',
        'airlock.status': planned.status,
      })
      return planned
    })
  }
  const span = deps.tracer.stage
  const auth = await span('authorize', { 'airlock.action': action }, () => authorize(deps, ctx))
  const decided = {
    'airlock.action': action,
    'airlock.decision': auth.decision.decision,
    'airlock.rule': auth.decision.rule ?? '',
  }
  const definition = auth.evaluation.definition
  if (auth.decision.decision === 'deny' || !definition) {
    return span('record', decided, () => recordDenied(deps, ctx, auth))
  }
  const runs = auth.decision.decision === 'allow' ? runContext(ctx, auth) : null
  // A run without a hold commits its `started` with a fresh key's claim: one commit fewer.
  const started =
    runs !== null && ctx.idempotency_key !== null
      ? startedFields(definition, auth.evaluation.inputs, runs)
      : undefined
  const key = await span('claim', decided, () => claim(deps, ctx, auth, started))
  if (key.kind === 'replayed') return key.outcome
  // Once `started` is in the chain, the handler may have run for all a later failure can tell.
  const progress = { started: key.started !== null }
  let outcome: Outcome
  try {
    const stage = runs === null ? 'hold' : 'run'
    outcome = await span(stage, decided, () =>
      runs === null
        ? holdForApproval(deps, ctx, auth)
        : run(
            deps,
            definition,
            auth.evaluation.inputs,
            { ...runs, settlement: key.settlement, started: key.started, claim_loss: key.loss },
            progress,
          ),
    )
  } catch (error) {
    // A failed hold may have stored its approval all the same (a commit whose
    // answer was lost): freed, the key would let a retry hold a second one.
    // Kept, a retry finds that approval, or takes the key over after its lease.
    if (runs === null) key.leave()
    else await key.abort(progress.started)
    throw error
  }
  await span('settle', { ...decided, 'airlock.status': outcome.status }, () => key.settle(outcome))
  return outcome
}

async function planOnly(deps: PipelineDeps, ctx: RequestContext): Promise<DryRunOutcome | DeniedOutcome> {
  // Limits count real traffic: a dry run neither spends nor is refused by them.
  const auth = await authorize({ ...deps, limits: undefined }, ctx)
  if (auth.decision.decision === 'deny' || !auth.evaluation.definition) {
    return recordDenied(deps, ctx, { ...auth, context: { ...auth.context, dry_run: true } })
  }
  return dryRun(deps, ctx, auth, auth.evaluation.definition)
}

/** What the run stage needs of a request that policy allowed. */
function runContext(ctx: RequestContext, auth: AuthorizedRequest): RunContext {
  return {
    request_id: ctx.request_id,
    principal: ctx.principal,
    decision: auth.decision,
    target: auth.evaluation.target,
    approval_id: null,
    approver: null,
    idempotency_key: ctx.idempotency_key,
    signal: ctx.signal,
    ...(auth.context.shadow === undefined ? {} : { context: { shadow: auth.context.shadow } }),
  }
}

async function holdForApproval(
  deps: PipelineDeps,
  ctx: RequestContext,
  auth: AuthorizedRequest,
): Promise<Outcome> {
  const { decision, evaluation } = auth
  const definition = evaluation.definition
  if (!definition) throw new AirlockError(ErrorCode.INTERNAL, 'An unresolved action reached the run stage')
  if (decision.decision === 'require_approval') return hold(deps, ctx, auth, definition)
  // Only the three known results exist, and allowed requests ran above: anything else must never run.
  throw new AirlockError(ErrorCode.INTERNAL, `Unknown decision '${String(decision.decision)}'`)
}
