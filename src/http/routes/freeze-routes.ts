import type { z } from 'zod'
import type { FreezeScope } from '../../store/freeze-store.js'
import { freezeBody, freezeListSchema, freezeSchema, unfreezeBody } from '../policy-wire-schemas.js'
import { defineRoute, type Route } from '../route.js'
import { AUTHENTICATED_ERRORS, BODY_ERRORS, problemDoc } from './common-responses.js'
import { requireAdmin } from './policy-routes.js'
import type { RouteDeps } from './route-deps.js'

function scopeOf(body: z.output<typeof freezeBody>): FreezeScope {
  if (body.agent !== undefined) return { kind: 'agent', value: body.agent }
  if (body.action !== undefined) return { kind: 'action', value: body.action }
  if (body.tenant !== undefined) return { kind: 'tenant', value: body.tenant }
  return { kind: 'all' }
}

const ADMIN_ONLY = problemDoc(403, 'The caller has no admin role')

/** The kill switch, admin only: `GET freeze`, `POST freeze`, `POST unfreeze`. */
export function freezeRoutes(deps: RouteDeps): Route[] {
  const { airlock } = deps
  return [
    defineRoute({
      method: 'GET',
      path: '/freeze',
      operation_id: 'listFreezes',
      summary: 'The freezes in force (admin)',
      tag: 'policy',
      responses: [
        { status: 200, description: 'Freezes, oldest first', schema: freezeListSchema },
        ADMIN_ONLY,
        ...AUTHENTICATED_ERRORS,
      ],
      handle: async (c) => {
        requireAdmin(deps, c.get('principal'), 'Listing freezes')
        return c.json({ freezes: await airlock.freezes.list() })
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/freeze',
      operation_id: 'freeze',
      summary: 'Deny every request of an agent, an action, a tenant or everyone until unfrozen (admin)',
      description:
        'Stored, so it survives restarts and reaches every replica sharing the store within a second. Held requests it covers cannot be approved until it is lifted.',
      tag: 'policy',
      body: freezeBody,
      responses: [
        { status: 201, description: 'The freeze, now in force', schema: freezeSchema },
        ADMIN_ONLY,
        ...BODY_ERRORS,
        ...AUTHENTICATED_ERRORS,
      ],
      handle: async (c, { body }) => {
        const principal = c.get('principal')
        requireAdmin(deps, principal, 'Freezing')
        const freeze = await airlock.freezes.freeze({
          scope: scopeOf(body),
          reason: body.reason,
          by: principal.actor_id,
        })
        return c.json(freeze, 201)
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/unfreeze',
      operation_id: 'unfreeze',
      summary: 'Lift a freeze (admin)',
      tag: 'policy',
      body: unfreezeBody,
      responses: [
        { status: 200, description: 'The lifted freeze', schema: freezeSchema },
        ADMIN_ONLY,
        problemDoc(404, 'No freeze with this id is in force'),
        ...BODY_ERRORS,
        ...AUTHENTICATED_ERRORS,
      ],
      handle: async (c, { body }) => {
        const principal = c.get('principal')
        requireAdmin(deps, principal, 'Unfreezing')
        return c.json(await airlock.freezes.unfreeze(body.id, principal.actor_id))
      },
    }),
  ]
}
