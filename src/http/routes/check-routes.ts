import { checkBody, checkPlanBody, MAX_PLAN_STEPS } from '../request-schemas.js'
import { defineRoute, type Route } from '../route.js'
import { toWireDecision } from '../to-wire.js'
import { decisionSchema, planDecisionsSchema } from '../wire-schemas.js'
import { AUTHENTICATED_ERRORS, BODY_ERRORS } from './common-responses.js'
import type { RouteDeps } from './route-deps.js'

/** `POST check` and `POST check-plan`: advisory decisions, nothing runs. */
export function checkRoutes(deps: RouteDeps): Route[] {
  const { airlock } = deps
  return [
    defineRoute({
      method: 'POST',
      path: '/check',
      operation_id: 'check',
      summary: 'The decision executing this request would reach, without running it',
      description: 'Always 200: a deny is a decision, not an error. The check is audited.',
      tag: 'check',
      body: checkBody,
      responses: [
        { status: 200, description: 'The decision', schema: decisionSchema },
        ...AUTHENTICATED_ERRORS,
        ...BODY_ERRORS,
      ],
      handle: async (c, { body }) => {
        const decision = await airlock.check(body.action, body.inputs ?? body.params ?? {}, {
          caller: c.get('principal'),
          target: body.target ?? null,
          ticket_id: body.ticket_id ?? null,
          client_request_id: c.get('client_request_id'),
        })
        return c.json(toWireDecision(decision))
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/check-plan',
      operation_id: 'checkPlan',
      summary: `Decisions for up to ${MAX_PLAN_STEPS} steps at once`,
      tag: 'check',
      body: checkPlanBody,
      responses: [
        { status: 200, description: 'One decision per step, in order', schema: planDecisionsSchema },
        ...AUTHENTICATED_ERRORS,
        ...BODY_ERRORS,
      ],
      handle: async (c, { body }) => {
        const caller = c.get('principal')
        const client_request_id = c.get('client_request_id')
        const decisions = await airlock.checkPlan(
          body.steps.map((step) => ({
            action: step.action,
            params: step.inputs ?? step.params ?? {},
            caller,
            target: step.target ?? null,
            ticket_id: step.ticket_id ?? null,
            client_request_id,
          })),
        )
        return c.json({ decisions: decisions.map(toWireDecision) })
      },
    }),
  ]
}
