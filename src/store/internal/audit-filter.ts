import type { AuditEvent } from '../../audit/audit-event.js'
import type { AuditFilter } from '../store.js'
import { isoTime } from './iso-time.js'
import { badRequest } from './store-error.js'

/** Filter fields compared for equality, in the order SQL builds them. */
export const AUDIT_EQUALITY_FIELDS = [
  'tenant_id',
  'action',
  'actor',
  'decision',
  'status',
  'request_id',
  'approval_id',
] as const

/**
 * Filter fields read from the stored event body rather than a column: the SQL
 * stores compare them with a JSON extraction, so they narrow a scan that an
 * indexed field or the seq order drives.
 */
export const AUDIT_BODY_FIELDS = ['target', 'rule'] as const

/** Drops undefined fields and normalises the time bounds, so equal filters encode equal cursors. */
export function normaliseAuditFilter(filter: AuditFilter): AuditFilter {
  const clean: Record<string, string> = {}
  for (const field of [...AUDIT_EQUALITY_FIELDS, ...AUDIT_BODY_FIELDS]) {
    const value = filter[field]
    if (value === undefined) continue
    if (typeof value !== 'string') throw badRequest(`audit filter ${field} must be a string`)
    clean[field] = value
  }
  if (filter.since !== undefined) clean.since = isoTime(filter.since, 'since')
  if (filter.until !== undefined) clean.until = isoTime(filter.until, 'until')
  return clean
}

/** Whether an event passes a normalised filter (the memory store's WHERE clause). */
export function matchesAuditFilter(event: AuditEvent, filter: AuditFilter): boolean {
  for (const field of [...AUDIT_EQUALITY_FIELDS, ...AUDIT_BODY_FIELDS]) {
    const value = filter[field]
    if (value !== undefined && event[field] !== value) return false
  }
  if (filter.since !== undefined && event.ts < filter.since) return false
  if (filter.until !== undefined && event.ts >= filter.until) return false
  return true
}
