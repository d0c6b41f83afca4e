import type { Context } from 'hono'
import type { Outcome } from '../../outcome.js'
import { problem, problemResponse } from '../problem.js'
import { actionNameParams, executeBody, idempotencyHeaders } from '../request-schemas.js'
import { defineRoute, type HttpEnv, type Route } from '../route.js'
import { toWireAction, toWireOutcome } from '../to-wire.js'
import {
  actionListSchema,
  deniedSchema,
  executedSchema,
  failedSchema,
  pendingApprovalSchema,
} from '../wire-schemas.js'
import { AUTHENTICATED_ERRORS, BODY_ERRORS, problemDoc } from './common-responses.js'
import type { RouteDeps } from './route-deps.js'

/**
 * The response for an outcome: 200 executed, 202 held, 403 denied, 500
 * failed; an unknown action is a 404, invalid inputs a 422 and a rate limit
 * a 429 with Retry-After, all three as problems. A replay answers with the
 * status of the original.
 */
export function outcomeResponse(c: Context<HttpEnv>, outcome: Outcome, base_path: string): Response {
  switch (outcome.status) {
    case 'executed':
      return c.json(toWireOutcome(outcome), 200)
    case 'pending_approval':
      c.header('location', `${base_path}/approvals/${outcome.approval_id}`)
      return c.json(toWireOutcome(outcome), 202)
    case 'failed':
      return c.json(toWireOutcome(outcome), 500)
    case 'denied': {
      const trace = { request_id: outcome.request_id, audit_id: outcome.audit_id }
      if (outcome.code === 'ACTION_NOT_FOUND')
        return problemResponse(problem('ACTION_NOT_FOUND', outcome.reason, trace))
      if (outcome.code === 'INPUT_INVALID') {
        return problemResponse(problem('INPUT_INVALID', outcome.reason, { ...trace, issues: outcome.issues }))
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
      return c.json(toWireOutcome(outcome), 403)
    }
  }
}

/** `GET actions` and `POST actions/{name}/execute`. */
export function actionRoutes(deps: RouteDeps): Route[] {
  const { airlock } = deps
  return [
    defineRoute({
      method: 'GET',
      path: '/actions',
      operation_id: 'listActions',
      summary: 'The actions agents may ask for, with the JSON Schema of their inputs',
      tag: 'actions',
      responses: [
        { status: 200, description: 'Every registered action', schema: actionListSchema },
        ...AUTHENTICATED_ERRORS,
      ],
      handle: (c) => c.json({ actions: airlock.actions().map(toWireAction) }),
    }),
    defineRoute({
      method: 'POST',
      path: '/actions/{name}/execute',
      operation_id: 'executeAction',
      summary: 'Run an action through the whole pipeline',
      description:
        'Validates the inputs, checks scopes and policy, holds the request for approval when asked, and runs it once per idempotency key.',
      tag: 'actions',
      params: actionNameParams,
      headers: idempotencyHeaders,
      body: executeBody,
      responses: [
        { status: 200, description: 'Executed (or the replay of an execution)', schema: executedSchema },
        { status: 202, description: 'Held for human approval', schema: pendingApprovalSchema },
        {
          status: 403,
          description: 'Denied: missing scope, policy or cumulative risk',
          schema: deniedSchema,
        },
        problemDoc(404, 'No action with this name'),
        problemDoc(409, 'A call with the same idempotency key is still running'),
        problemDoc(
          422,
          'Invalid inputs (issues list each), or the idempotency key was used with other inputs',
        ),
        problemDoc(429, 'Rate limited or circuit open; Retry-After says when to try again'),
        { status: 500, description: 'The action ran and failed', schema: failedSchema },
        ...AUTHENTICATED_ERRORS,
        ...BODY_ERRORS,
      ],
      handle: async (c, { params, headers, body }) => {
        const outcome = await airlock.execute(params.name, body.inputs, {
          caller: c.get('principal'),
          target: body.target ?? null,
          ticket_id: body.ticket_id ?? null,
          idempotency_key: headers['idempotency-key'] ?? null,
        })
        return outcomeResponse(c, outcome, deps.base_path)
      },
    }),
  ]
}
