/**
 * The one mapping from a pipeline `Outcome` to an HTTP response.
 *
 * @module
 */
import type { Context } from 'hono'
import type { DryRunOutcome, Outcome } from '../outcome.js'
import { inputIssuesDetail } from './input-issues-detail.js'
import { problem, problemResponse } from './problem.js'
import type { HttpEnv } from './route.js'
import { toWireDryRun, toWireOutcome } from './to-wire.js'

/**
 * The response for an outcome: 200 executed or dry run, 202 held, 403 denied, 500
 * failed; an unknown action is a 404, invalid inputs a 422 and a rate limit
 * a 429 with Retry-After, all three as problems. A replay answers with the
 * status of the original. Every route that answers with an outcome
 * (execute, approve) goes through here, so one outcome has one status;
 * `extra` adds route-specific members (the approval) to the body.
 */
export function outcomeResponse(
  c: Context<HttpEnv>,
  outcome: Outcome | DryRunOutcome,
  base_path: string,
  extra: Record<string, unknown> = {},
): Response {
  switch (outcome.status) {
    case 'executed':
      return c.json({ ...toWireOutcome(outcome), ...extra }, 200)
    case 'dry_run':
      return c.json({ ...toWireDryRun(outcome), ...extra }, 200)
    case 'pending_approval':
      c.header('location', `${base_path}/approvals/${outcome.approval_id}`)
      return c.json({ ...toWireOutcome(outcome), ...extra }, 202)
    case 'failed':
      return c.json({ ...toWireOutcome(outcome), ...extra }, 500)
    case 'denied': {
      const trace = { request_id: outcome.request_id, audit_id: outcome.audit_id, ...extra }
      if (outcome.code === 'ACTION_NOT_FOUND')
        return problemResponse(problem('ACTION_NOT_FOUND', outcome.reason, trace))
      if (outcome.code === 'INPUT_INVALID') {
        const detail = inputIssuesDetail(outcome.issues, outcome.reason)
        return problemResponse(problem('INPUT_INVALID', detail, { ...trace, issues: outcome.issues }))
      }
      if (outcome.code === 'RATE_LIMITED') {
        const retry = outcome.retry_after_s
        return problemResponse(
          problem('RATE_LIMITED', outcome.reason, {
            ...trace,
            ...(retry === undefined ? {} : { retry_after_s: retry }),
          }),
          retry === undefined ? {} : { 'retry-after': String(Math.max(1, Math.ceil(retry))) },
        )
      }
      if (outcome.code === 'TARGET_TYPE') {
        // Aiming an action at the wrong kind of target is a malformed request, not a policy verdict.
        const issues = [{ path: ['target'], code: 'invalid_value', message: outcome.reason }]
        return problemResponse(problem('INPUT_INVALID', outcome.reason, { ...trace, issues }))
      }
      return c.json({ ...toWireOutcome(outcome), ...extra }, 403)
    }
  }
}
