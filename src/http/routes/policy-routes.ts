import { AirlockError } from '../../errors/airlock-error.js'
import { ErrorCode } from '../../errors/error-codes.js'
import type { Principal } from '../../identity/principal.js'
import { summarizePolicySet } from '../../policy/versioning/policy-set.js'
import {
  differenceReportSchema,
  policyReloadSchema,
  policyStateSchema,
  shadowHistorySchema,
} from '../policy-wire-schemas.js'
import { HttpProblemError } from '../problem.js'
import { shadowHistoryQuery } from '../request-schemas.js'
import { defineRoute, type Route } from '../route.js'
import { AUTHENTICATED_ERRORS, problemDoc } from './common-responses.js'
import type { RouteDeps } from './route-deps.js'

const DAY_MS = 86_400_000

/** Refuses callers without one of the admin roles (anonymous callers never have one). */
export function requireAdmin(deps: RouteDeps, principal: Principal, what: string): void {
  const admin = principal.auth !== 'anonymous' && principal.roles.some((r) => deps.admin_roles.includes(r))
  if (!admin) {
    throw new AirlockError(
      ErrorCode.FORBIDDEN,
      `${what} needs one of the roles ${deps.admin_roles.join(', ')}`,
    )
  }
}

/**
 * `GET policy`, `GET policy/shadow/report` (this replica), `GET
 * policy/shadow/history` (every replica, from the audit log) and, when the
 * gateway can reload, `POST policy/reload`.
 */
export function policyRoutes(deps: RouteDeps): Route[] {
  const { airlock } = deps
  const reload = deps.reload
  const reloadRoute: Route[] = reload
    ? [
        defineRoute({
          method: 'POST',
          path: '/policy/reload',
          operation_id: 'reloadPolicy',
          summary: 'Reload the policy set from its files (admin)',
          description:
            'Validates every file first; a set with problems is refused, the set in force stays, and the refusal is audited.',
          tag: 'policy',
          responses: [
            { status: 200, description: 'The set now in force', schema: policyReloadSchema },
            problemDoc(403, 'The caller has no admin role'),
            problemDoc(422, 'The files have problems; `issues` lists them and `policy` is the set kept'),
            ...AUTHENTICATED_ERRORS,
          ],
          handle: async (c) => {
            const principal = c.get('principal')
            requireAdmin(deps, principal, 'Reloading policy')
            const result = await reload({ by: principal.actor_id, via: 'http' })
            if (!result.ok) {
              throw new HttpProblemError('POLICY_RELOAD_REJECTED', result.message, {
                issues: result.issues,
                policy: result.policy,
              })
            }
            return c.json({ changed: result.changed, policy: result.policy })
          },
        }),
      ]
    : []
  return [
    defineRoute({
      method: 'GET',
      path: '/policy',
      operation_id: 'getPolicy',
      summary: 'The policy set in force on this replica: version, label, since when, files',
      tag: 'policy',
      responses: [
        { status: 200, description: 'The enforced set and the shadow candidate', schema: policyStateSchema },
        ...AUTHENTICATED_ERRORS,
      ],
      handle: (c) => {
        const shadow = airlock.policy.shadow()
        return c.json({
          policy: summarizePolicySet(airlock.policy.current()),
          shadow: shadow === null ? null : summarizePolicySet(shadow),
        })
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/policy/shadow/report',
      operation_id: 'getShadowReport',
      summary: 'How the shadow candidate would have decided differently, since it was set (admin)',
      tag: 'policy',
      responses: [
        { status: 200, description: 'The difference report', schema: differenceReportSchema },
        problemDoc(403, 'The caller has no admin role'),
        problemDoc(404, 'No shadow candidate is running'),
        ...AUTHENTICATED_ERRORS,
      ],
      handle: (c) => {
        // The report names callers and actions of every tenant.
        requireAdmin(deps, c.get('principal'), 'The shadow report')
        const report = airlock.policy.shadowReport()
        if (report === null) {
          throw new AirlockError(
            ErrorCode.SHADOW_NOT_RUNNING,
            'No shadow candidate is running; set policy.shadow in the config',
          )
        }
        return c.json(report)
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/policy/shadow/history',
      operation_id: 'getShadowHistory',
      summary: 'How the shadow candidate decided differently on every replica, from the audit log (admin)',
      description:
        'Counts the candidate verdicts kept in the deciding audit events of the time range, whichever replica served the request; it needs no candidate running on this replica.',
      tag: 'policy',
      query: shadowHistoryQuery,
      responses: [
        { status: 200, description: 'The difference report over the range', schema: shadowHistorySchema },
        problemDoc(403, 'The caller has no admin role'),
        ...AUTHENTICATED_ERRORS,
      ],
      handle: async (c, { query }) => {
        requireAdmin(deps, c.get('principal'), 'The shadow history')
        const since = query.since ?? new Date(Date.now() - DAY_MS).toISOString()
        const report = await airlock.policy.shadowHistory({
          since: new Date(since).toISOString(),
          ...(query.until === undefined ? {} : { until: new Date(query.until).toISOString() }),
          ...(query.version === undefined ? {} : { version: query.version }),
        })
        return c.json(report)
      },
    }),
    ...reloadRoute,
  ]
}
