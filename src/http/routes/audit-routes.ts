import { z } from 'zod'
import { AirlockError } from '../../errors/airlock-error.js'
import { ErrorCode } from '../../errors/error-codes.js'
import type { Principal } from '../../identity/principal.js'
import type { AuditFilter } from '../../store/store.js'
import { isAuditor } from '../read-access.js'
import { auditQuery } from '../request-schemas.js'
import { defineRoute, type Route } from '../route.js'
import { auditPageSchema, verifySchema } from '../wire-schemas.js'
import { AUTHENTICATED_ERRORS, problemDoc } from './common-responses.js'
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

function forbidden(message: string): AirlockError {
  return new AirlockError(ErrorCode.FORBIDDEN, message)
}

/** The filter a caller may use: auditors any, others only their own events. */
function readableFilter(deps: RouteDeps, principal: Principal, query: Record<string, unknown>): AuditFilter {
  // The tenant comes from the credential, never from the query.
  const filter: Record<string, string> = { tenant_id: principal.tenant_id }
  for (const field of FILTER_FIELDS) {
    const value = query[field]
    if (typeof value === 'string') filter[field] = value
  }
  if (!isAuditor(principal, deps.read)) {
    if (filter.actor !== undefined && filter.actor !== principal.actor_id) {
      throw forbidden('Reading the audit events of other actors needs an auditor role')
    }
    filter.actor = principal.actor_id
  }
  return filter as AuditFilter
}

/**
 * The last chain verification, shared by every caller. Callers arriving while
 * a scan runs share it, and a fresh scan starts at most once per interval, so
 * nobody can keep full-chain scans running in a loop.
 */
interface Verification {
  readonly valid: boolean
  readonly reason: string | null
  /** When the scan finished, ms since the epoch. */
  readonly at: number
}

function verificationCache(deps: RouteDeps): (fresh: boolean) => Promise<Verification> {
  let last: Verification | null = null
  let running: Promise<Verification> | null = null
  const scan = (): Promise<Verification> => {
    running ??= deps.airlock.audit
      .verify()
      .then((r) => {
        const done: Verification = { valid: r.valid, reason: r.valid ? null : r.reason, at: Date.now() }
        last = done
        return done
      })
      .finally(() => {
        running = null
      })
    return running
  }
  return async (fresh: boolean) => {
    if (last === null) return scan()
    if (!fresh) return last
    const wait_ms = last.at + deps.verify_interval_ms - Date.now()
    if (wait_ms > 0 && running === null) {
      throw new AirlockError(
        ErrorCode.RATE_LIMITED,
        'A fresh verification ran recently; use the last result',
        {
          details: { retry_after_s: Math.ceil(wait_ms / 1000) },
        },
      )
    }
    return scan()
  }
}

/** `GET audit` (the caller's tenant only) and `GET audit/verify`. */
export function auditRoutes(deps: RouteDeps): Route[] {
  const { airlock } = deps
  const verification = verificationCache(deps)

  return [
    defineRoute({
      method: 'GET',
      path: '/audit',
      operation_id: 'listAudit',
      summary: 'Audit events of the caller’s tenant, newest first',
      description:
        'Auditors read every event of the tenant; any other caller reads only the events it is the actor of.',
      tag: 'audit',
      query: auditQuery(deps.max_page_size),
      responses: [
        { status: 200, description: 'A page of events', schema: auditPageSchema },
        problemDoc(403, 'Filtering by another actor without an auditor role'),
        ...AUTHENTICATED_ERRORS,
      ],
      handle: async (c, { query }) => {
        const filter = readableFilter(deps, c.get('principal'), query)
        const page = await airlock.audit.list(filter, query.limit ?? defaultLimit(deps), query.cursor ?? null)
        return c.json({ items: page.items, next_cursor: page.next_cursor })
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/audit/verify',
      operation_id: 'verifyAudit',
      summary: 'The last verification of the audit hash chain (auditors only)',
      description:
        'All tenants share one chain, so the answer says only whether it verifies, and how old that result is. A scan runs on the first call; `fresh=true` starts another, at most once per interval (429 with Retry-After otherwise).',
      tag: 'audit',
      query: z.strictObject({
        fresh: z.enum(['true', 'false']).optional().describe('Scan again instead of serving the last result'),
      }),
      responses: [
        { status: 200, description: 'The verification result', schema: verifySchema },
        problemDoc(403, 'The caller holds no auditor role'),
        problemDoc(429, 'A fresh scan ran too recently'),
        ...AUTHENTICATED_ERRORS,
      ],
      handle: async (c, { query }) => {
        if (!isAuditor(c.get('principal'), deps.read)) {
          throw forbidden('Verifying the audit chain needs an auditor role')
        }
        const result = await verification(query.fresh === 'true')
        return c.json({
          valid: result.valid,
          ...(result.valid ? {} : { reason: result.reason }),
          checked_at: new Date(result.at).toISOString(),
          age_s: Math.max(0, Math.floor((Date.now() - result.at) / 1000)),
        })
      },
    }),
  ]
}
