/**
 * The advisory paths: `decide` (authorize with no side effects) and `check`
 * (authorize with limits, an audit event and, on allow with keys, a
 * single-use execution ticket). Both reuse the authorize stage; neither runs
 * anything. Decisions handed out are frozen.
 *
 * Writes (check only): limits' counters; an advisory audit event unless
 * `audit_checks` is false. The ticket's nonce is in that event, so a
 * redeemed ticket can be traced to its decision.
 *
 * @module
 */

import { newId } from '../../internal/ids.js'
import type { Decision } from '../../policy/decision.js'
import { issueTicket } from '../../tickets/issue-ticket.js'
import { NO_TRACING } from '../../tracing/stage-tracer.js'
import { authorize } from '../authorize/authorize.js'
import { authorizeDecision, frozenDecision } from '../authorize/authorize-decision.js'
import { frozenDenial } from '../authorize/frozen-denial.js'
import { identify } from '../identify/identify.js'
import { type PipelineDeps, ticketSettings } from '../pipeline-deps.js'
import type { CheckOptions, CheckResult } from '../pipeline-types.js'
import { resolveRequest } from '../resolve/resolve-request.js'

/** The decision `execute` would reach, computed synchronously with no side effects. */
export function decideRequest(
  deps: PipelineDeps,
  action: string,
  inputs: Record<string, unknown>,
  options: CheckOptions = {},
): Decision {
  const ctx = identify(action, inputs, options)
  const evaluation = resolveRequest(deps, ctx)
  const frozen = frozenDenial(evaluation.decision, deps.freezes.match(ctx.principal, action))
  // A copy, as in `checkRequest`, made with Object.assign for the same reason.
  return frozenDecision(
    Object.assign({}, frozen?.decision ?? authorizeDecision(evaluation, ctx.principal).decision),
  )
}

/** Authorizes a request without running it, in an `airlock.check` span that ends with the decision. */
export function check(
  deps: PipelineDeps,
  action: string,
  inputs: Record<string, unknown>,
  options: CheckOptions = {},
): Promise<CheckResult> {
  // Untraced, the span's attributes would be built for nothing on every call.
  if (deps.tracer === NO_TRACING) return checkRequest(deps, action, inputs, options)
  return deps.tracer.stage('check', { 'airlock.action': action }, async (annotate) => {
    const result = await checkRequest(deps, action, inputs, options)
    annotate({ 'airlock.decision': result.decision, 'airlock.rule': result.rule ?? '' })
    return result
  })
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] }

async function checkRequest(
  deps: PipelineDeps,
  action: string,
  inputs: Record<string, unknown>,
  options: CheckOptions,
): Promise<CheckResult> {
  const ctx = identify(action, inputs, options)
  const { decision, context, retry_after_s, evaluation } = await authorize(deps, ctx)
  // An id only when something refers to it: the audit event or a ticket.
  const keys = decision.decision === 'allow' ? deps.keys : undefined
  const audit_id = deps.audit_checks || keys ? newId('evt') : null
  let ticket: CheckResult['ticket'] = null
  if (keys && audit_id !== null) {
    const issued = await issueTicket(keys, {
      action,
      target: decision.target,
      // The ticket binds what the handler would receive, not the raw request.
      params: (evaluation.inputs ?? inputs) as Record<string, unknown>,
      caller: ctx.principal.actor_id,
      tenant: ctx.principal.tenant_id,
      audit_id,
      ...ticketSettings(deps),
      now: deps.now(),
    })
    ticket = Object.freeze({
      token: issued.token,
      nonce: issued.claims.jti,
      expires_at: new Date(issued.claims.exp * 1000).toISOString(),
    })
    context.ticket_nonce = issued.claims.jti
  }
  if (deps.audit_checks) {
    const status =
      decision.decision === 'deny' ? 'denied' : decision.decision === 'allow' ? 'allowed' : 'held'
    await deps.recorder.record(status, {
      id: audit_id ?? newId('evt'),
      request_id: ctx.request_id,
      principal: ctx.principal,
      action,
      decision,
      inputs,
      ticket_id: ctx.ticket_id,
      context: { advisory: true, ...context },
    })
  }
  // Object.assign, not a spread: copying the decision by spread (then extended and frozen)
  // cost V8 about 5 µs a call here, more than the rest of check() together.
  const result: Mutable<CheckResult> = Object.assign({}, decision, {
    audit_id: deps.audit_checks ? audit_id : null,
    ticket,
  })
  if (retry_after_s !== undefined) result.retry_after_s = retry_after_s
  return frozenDecision(result)
}
