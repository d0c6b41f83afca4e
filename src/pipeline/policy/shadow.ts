/**
 * Shadow mode: the candidate policy set decides every live request beside
 * the enforced one. Only the enforced decision takes effect; the
 * candidate's is kept in the request's audit event (`context.shadow`), so
 * a report over every replica can be built from the shared log, and
 * counted in this process for `GET /policy/shadow/report`.
 *
 * Reads: the candidate set captured with the request. Writes: the in-process
 * tally only. Pure otherwise, like resolve.
 *
 * @module
 */
import type { Decision } from '../../policy/decision.js'
import type { DifferenceTally } from '../../policy/versioning/difference-report.js'
import type { PolicySet } from '../../policy/versioning/policy-set.js'
import { authorizeDecision } from '../authorize/authorize-decision.js'
import type { PipelineDeps } from '../pipeline-deps.js'
import type { RequestContext } from '../request-context.js'
import { resolveRequest } from '../resolve/resolve-request.js'

/** The candidate's verdict as the audit event keeps it. */
export interface ShadowVerdict {
  readonly decision: Decision['decision']
  readonly rule: string | null
  readonly version: string
}

/** A running shadow: the candidate set and the tally of its differences. */
export interface ShadowRun {
  readonly set: PolicySet
  readonly tally: DifferenceTally
}

/** Decides `ctx` with the candidate, counts it, and returns the candidate's verdict for the audit event. */
export function shadowDecide(
  deps: Pick<PipelineDeps, 'unknown_actions' | 'now'>,
  shadow: ShadowRun,
  ctx: RequestContext,
  enforced: Decision,
): ShadowVerdict {
  const { set, tally } = shadow
  const evaluation = resolveRequest(
    { ...deps, engine: set.engine, actions: set.actions, targets: set.targets, policy_version: set.version },
    ctx,
  )
  const candidate = authorizeDecision(evaluation, ctx.principal).decision
  tally.add({
    request_id: ctx.request_id,
    at: deps.now().toISOString(),
    action: ctx.action,
    caller: ctx.principal.actor_id,
    target: ctx.target,
    enforced: { decision: enforced.decision, rule: enforced.rule },
    candidate: { decision: candidate.decision, rule: candidate.rule },
  })
  return { decision: candidate.decision, rule: candidate.rule, version: set.version }
}
