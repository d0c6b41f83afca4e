/**
 * Authorize: rate limit and circuit breaker first (a flood of garbage counts
 * too), then resolve/validate, scopes and policy, then cumulative risk for
 * what was not denied. Every final deny but the limiter's own feeds the
 * circuit breaker.
 *
 * Reads: resolve's sources, the policy engine, the limits. Writes: only the
 * limits' counters (rate, risk, denials), which are atomic per call in every
 * limits backend; nothing is audited here (the caller records the decision).
 * A crash after this stage leaves counters spent and nothing else.
 *
 * @module
 */
import type { PipelineDeps } from '../pipeline-deps.js'
import { shadowDecide } from '../policy/shadow.js'
import type { AuthorizedRequest, RequestContext } from '../request-context.js'
import { type ResolveDeps, resolveRequest } from '../resolve/resolve-request.js'
import { authorizeDecision } from './authorize-decision.js'
import { frozenDenial } from './frozen-denial.js'

export type AuthorizeDeps = ResolveDeps &
  Pick<PipelineDeps, 'limits'> &
  Partial<Pick<PipelineDeps, 'shadow' | 'freezes'>>

export async function authorize(deps: AuthorizeDeps, ctx: RequestContext): Promise<AuthorizedRequest> {
  const { principal, action } = ctx
  const evaluation = resolveRequest(deps, ctx)
  if (deps.freezes) {
    // The kill switch comes first: nothing else (limits included) is spent on a frozen request.
    if (!deps.freezes.ready) await deps.freezes.loaded()
    const denial = frozenDenial(evaluation.decision, deps.freezes.match(principal, action))
    if (denial) return { evaluation, decision: denial.decision, code: 'FROZEN', context: denial.context }
  }
  const limits = deps.limits
  if (limits) {
    const rate = await limits.checkRate(principal, action)
    if (!rate.ok) {
      return {
        evaluation,
        decision: { ...evaluation.decision, decision: 'deny', reason: rate.reason, rule: null },
        code: 'RATE_LIMITED',
        retry_after_s: rate.retry_after_s,
        context: { limit: rate.kind },
      }
    }
  }
  let { decision, code } = authorizeDecision(evaluation, principal)
  const context: Record<string, unknown> = {}
  if (deps.shadow) {
    // Compared before limits: the report is about what the rules say, not about this minute's traffic.
    context.shadow = shadowDecide(deps, deps.shadow, ctx, decision)
  }
  if (limits && decision.decision !== 'deny') {
    const risk = await limits.addRisk(principal, decision.effective_risk)
    if (risk) {
      context.cumulative_risk_score = risk.score
      context.cumulative_risk_class = risk.class
      if (risk.verdict === 'deny') {
        context.escalated_from = decision.decision
        decision = {
          ...decision,
          decision: 'deny',
          reason: `${risk.reason}. Original: ${decision.reason}`,
          rule: null,
        }
        code = 'RISK_EXCEEDED'
      } else if (risk.verdict === 'escalate' && decision.decision === 'allow') {
        context.escalated_from = 'allow'
        decision = {
          ...decision,
          decision: 'require_approval',
          reason: `${risk.reason}. Original: ${decision.reason}`,
        }
      }
    }
  }
  if (limits && decision.decision === 'deny') await limits.recordDenial(principal)
  return { evaluation, decision, code, context }
}
