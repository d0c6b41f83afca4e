import { z } from 'zod'
import { outcomeResponse } from '../outcome-response.js'
import { actionNameParams, dryRunQuery, executeBody, idempotencyHeaders } from '../request-schemas.js'
import { defineRoute, type Route } from '../route.js'
import { toWireAction } from '../to-wire.js'
import {
  actionListSchema,
  deniedSchema,
  dryRunSchema,
  executedSchema,
  failedSchema,
  pendingApprovalSchema,
} from '../wire-schemas.js'
import { AUTHENTICATED_ERRORS, BODY_ERRORS, problemDoc } from './common-responses.js'
import type { RouteDeps } from './route-deps.js'

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
        'Validates the inputs, checks scopes and policy, holds the request for approval when asked, and runs it once per idempotency key. With dry_run=true it stops after the decision and answers with exactly what would be sent.',
      tag: 'actions',
      params: actionNameParams,
      query: dryRunQuery,
      headers: idempotencyHeaders,
      body: executeBody,
      responses: [
        {
          status: 200,
          description: 'Executed (or the replay of an execution); with dry_run=true, the plan',
          schema: z.union([executedSchema, dryRunSchema]),
        },
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
      handle: async (c, { params, query, headers, body }) => {
        const options = {
          caller: c.get('principal'),
          target: body.target ?? null,
          ticket_id: body.ticket_id ?? null,
          idempotency_key: headers['idempotency-key'] ?? null,
          client_request_id: c.get('client_request_id'),
        }
        const outcome =
          query.dry_run === true
            ? await airlock.execute(params.name, body.inputs, { ...options, dry_run: true })
            : await airlock.execute(params.name, body.inputs, options)
        return outcomeResponse(c, outcome, deps.base_path)
      },
    }),
  ]
}
