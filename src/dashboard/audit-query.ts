import { z } from 'zod'
import { AUDIT_STATUSES } from '../audit/audit-event.js'
import { DECISION_RESULTS } from '../policy/decision.js'
import type { AuditFilter } from '../store/store.js'

const text = z.string().trim().max(200, 'at most 200 characters')
// `datetime-local` inputs send `2026-12-04T15:30` (read as UTC); full ISO times pass too.
const time = z
  .string()
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z)?$/, 'expected a time like 2026-12-04T15:30')
  .transform((v) => new Date(v.endsWith('Z') ? v : `${v}Z`).toISOString())

const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === '' ? undefined : v), schema.optional())

/** The explorer's query string: every filter optional, an empty field means "any". */
export const auditQuerySchema = z.strictObject({
  since: optional(time),
  until: optional(time),
  actor: optional(text),
  action: optional(text),
  target: optional(text),
  status: optional(z.enum(AUDIT_STATUSES)),
  decision: optional(z.enum(DECISION_RESULTS as [string, ...string[]])),
  rule: optional(text),
  approval_id: optional(text),
  request_id: optional(text),
  cursor: optional(z.string().max(500)),
})

export type AuditQuery = z.output<typeof auditQuerySchema>

export const FILTER_KEYS = [
  'since',
  'until',
  'actor',
  'action',
  'target',
  'status',
  'decision',
  'rule',
  'approval_id',
  'request_id',
] as const

/** Parses the query string; returns the issues as one message on garbage. */
export function parseAuditQuery(query: Record<string, string>): AuditQuery | string {
  const result = auditQuerySchema.safeParse(query)
  if (result.success) return result.data
  return result.error.issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`).join('; ')
}

/** The store filter for the signed-in tenant: the tenant comes from the session, never the query. */
export function toAuditFilter(tenant_id: string, query: AuditQuery): AuditFilter {
  const filter: Record<string, string> = { tenant_id }
  for (const key of FILTER_KEYS) {
    const value = query[key]
    if (value !== undefined) filter[key] = value
  }
  return filter as AuditFilter
}

/** The query string for `query` with `cursor` (or without one). */
export function auditSearch(query: AuditQuery, cursor: string | null): string {
  const params = new URLSearchParams()
  for (const key of FILTER_KEYS) {
    const value = query[key]
    if (value !== undefined) params.set(key, value)
  }
  if (cursor) params.set('cursor', cursor)
  const s = params.toString()
  return s === '' ? '' : `?${s}`
}
