import type { AuditFilter } from '../../store/store.js'
import { auditQuery } from '../request-schemas.js'
import { defineRoute, type Route } from '../route.js'
import { auditPageSchema, verifySchema } from '../wire-schemas.js'
import { AUTHENTICATED_ERRORS } from './common-responses.js'
import { defaultLimit, type RouteDeps } from './route-deps.js'

const FILTER_FIELDS = [
  'action',
  'actor',
  'decision',
  'status',
  'request_id',
  'approval_id',
  'target',
  'rule',
  'since',
  'until',
] as const

/** `GET audit` (the caller's tenant only) and `GET audit/verify`. */
export function auditRoutes(deps: RouteDeps): Route[] {
  const { airlock } = deps
  // Verification reads the whole chain; callers arriving while one runs share
  // it, so repeated requests cannot pile full scans onto the store.
  let running: ReturnType<typeof airlock.audit.verify> | null = null
  const verifyShared = () => {
    running ??= airlock.audit.verify().finally(() => {
      running = null
    })
    return running
  }

  return [
    defineRoute({
      method: 'GET',
      path: '/audit',
      operation_id: 'listAudit',
      summary: 'Audit events of the caller’s tenant, newest first',
      tag: 'audit',
      query: auditQuery(deps.max_page_size),
      responses: [
        { status: 200, description: 'A page of events', schema: auditPageSchema },
        ...AUTHENTICATED_ERRORS,
      ],
      handle: async (c, { query }) => {
        // The tenant comes from the credential, never from the query.
        const filter: Record<string, string> = { tenant_id: c.get('principal').tenant_id }
        for (const field of FILTER_FIELDS) {
          const value = query[field]
          if (value !== undefined) filter[field] = value
        }
        const page = await airlock.audit.list(
          filter as AuditFilter,
          query.limit ?? defaultLimit(deps),
          query.cursor ?? null,
        )
        return c.json({ items: page.items, next_cursor: page.next_cursor })
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/audit/verify',
      operation_id: 'verifyAudit',
      summary: 'Verify the audit hash chain',
      description:
        'Checks every event of the chain (all tenants share one chain) and reports the first break.',
      tag: 'audit',
      responses: [
        { status: 200, description: 'The verification result', schema: verifySchema },
        ...AUTHENTICATED_ERRORS,
      ],
      handle: async (c) => c.json(await verifyShared()),
    }),
  ]
}
