import { z } from 'zod'
import type { Airlock } from '../../airlock.js'
import type { AuditEvent } from '../../audit/audit-event.js'
import { AirlockError } from '../../errors/airlock-error.js'
import { ErrorCode } from '../../errors/error-codes.js'
import type { Principal } from '../../identity/principal.js'
import { outcomeResponse } from '../outcome-response.js'
import { isAuditor, type ReadRoles } from '../read-access.js'
import { auditIdParams, dryRunQuery, idempotencyHeaders, rollbackBody } from '../request-schemas.js'
import { defineRoute, type Route } from '../route.js'
import {
  auditEventSchema,
  deniedSchema,
  executedSchema,
  failedSchema,
  pendingApprovalSchema,
  rollbackPlanSchema,
} from '../wire-schemas.js'
import { AUTHENTICATED_ERRORS, BODY_ERRORS, problemDoc } from './common-responses.js'
import type { RouteDeps } from './route-deps.js'

/**
 * The event, if the caller may read it: auditors read any event of the
 * tenant, everyone else only events they are the actor of. Another actor's
 * event answers like a missing one, so ids cannot be probed.
 */
async function readableEvent(
  airlock: Airlock,
  caller: Principal,
  id: string,
  roles: ReadRoles,
): Promise<AuditEvent> {
  const event = await airlock.audit.get(id, caller)
  if (isAuditor(caller, roles) || event.actor === caller.actor_id) return event
  throw new AirlockError(ErrorCode.EVIDENCE_NOT_FOUND, `No audit event '${id}'`)
}

const withPlan = <T extends z.ZodObject>(schema: T) => schema.extend({ plan: rollbackPlanSchema })

/**
 * `GET audit/{id}` and `POST audit/{id}/rollback` (the caller's tenant only;
 * auditors reach any event of it, other callers only their own).
 */
export function rollbackRoutes(deps: RouteDeps): Route[] {
  const { airlock } = deps
  return [
    defineRoute({
      method: 'GET',
      path: '/audit/{id}',
      operation_id: 'getAuditEvent',
      summary: 'One audit event of the caller’s tenant, with the state before and after when it ran',
      tag: 'audit',
      params: auditIdParams,
      responses: [
        { status: 200, description: 'The event', schema: auditEventSchema },
        problemDoc(404, 'No event with this id in the caller’s tenant'),
        ...AUTHENTICATED_ERRORS,
      ],
      handle: async (c, { params }) =>
        c.json(await readableEvent(airlock, c.get('principal'), params.id, deps.read)),
    }),
    defineRoute({
      method: 'POST',
      path: '/audit/{id}/rollback',
      operation_id: 'rollback',
      summary: 'Undo an executed run through the whole pipeline',
      description:
        "Builds the undo from the action's rollback_action and rollback_params (recorded parameters and state before) and sends it as a new request of the caller: policy may hold or deny it, and it answers with the status execute gives that outcome. With dry_run=true it answers with the plan only. Undoing the same event again replays the first outcome unless another Idempotency-Key is sent.",
      tag: 'audit',
      params: auditIdParams,
      query: dryRunQuery,
      headers: idempotencyHeaders,
      body: rollbackBody,
      body_required: false,
      responses: [
        {
          status: 200,
          description: 'The plan (dry_run=true), or the undo executed',
          schema: z.union([rollbackPlanSchema, withPlan(executedSchema)]),
        },
        {
          status: 202,
          description: 'The undo is held for approval',
          schema: withPlan(pendingApprovalSchema),
        },
        { status: 403, description: 'The undo was denied', schema: withPlan(deniedSchema) },
        problemDoc(404, 'No event with this id in the caller’s tenant'),
        problemDoc(409, 'No undo can be built or run for this event (the problem says why)'),
        { status: 500, description: 'The undo ran and failed', schema: withPlan(failedSchema) },
        ...AUTHENTICATED_ERRORS,
        ...BODY_ERRORS,
      ],
      handle: async (c, { params, query, headers }) => {
        const caller = c.get('principal')
        await readableEvent(airlock, caller, params.id, deps.read)
        if (query.dry_run === true) return c.json(await airlock.rollback.plan(params.id, caller))
        const { plan, outcome } = await airlock.rollback.run(params.id, caller, {
          idempotency_key: headers['idempotency-key'] ?? null,
        })
        return outcomeResponse(c, outcome, deps.base_path, { plan })
      },
    }),
  ]
}
