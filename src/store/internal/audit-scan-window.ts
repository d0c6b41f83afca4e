/**
 * The bound on how much of the audit history one filtered page may examine.
 *
 * @module
 */
import type { AuditFilter } from '../store.js'

/** At most this many events (by chain position) are examined for one filtered page. */
export const MAX_SCANNED_EVENTS = 10_000

/** Fields whose own index finds a handful of rows, so a filter holding one needs no window. */
const POINT_FIELDS = ['request_id', 'approval_id'] as const

/** Chain positions a page may examine: `from <= seq < before`. */
export interface ScanWindow {
  readonly from: number
  readonly before: number
}

/**
 * Whether a normalised filter's page is confined to a window of the chain.
 * @remarks A filter that no index answers exactly (a status within an action,
 * a target or rule read from the event body, a time range) would otherwise walk
 * the whole history when it matches little or nothing. The tenant alone and the
 * point fields are answered from their indexes, row for row.
 */
export function isWindowed(clean: AuditFilter): boolean {
  if (POINT_FIELDS.some((field) => clean[field] !== undefined)) return false
  return Object.keys(clean).some((field) => field !== 'tenant_id')
}

/**
 * The window of a windowed page: the `MAX_SCANNED_EVENTS` positions below the
 * cursor's (or, on the first page, up to and including the chain head `head`).
 */
export function scanWindow(before: number | null, head: number): ScanWindow {
  const end = before ?? head + 1
  return { from: Math.max(1, end - MAX_SCANNED_EVENTS), before: end }
}

/** Where the next page starts when this one found fewer rows than asked: below the window, if anything is left there. */
export function windowContinuation(window: ScanWindow | null): number | null {
  return window !== null && window.from > 1 ? window.from : null
}
