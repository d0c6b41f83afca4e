/**
 * The bound on how much of the audit history one filtered page may examine.
 *
 * @module
 */
import type { AuditFilter } from '../store.js'

/** At most this many events of the filter's tenant (of all tenants when it names none) are examined for one filtered page. */
export const MAX_SCANNED_EVENTS = 10_000

/** Fields whose own index finds a handful of rows, so a filter holding one needs no window. */
const POINT_FIELDS = ['request_id', 'approval_id'] as const

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
 * Where the scan of a windowed page starts, given the seqs below its cursor
 * (newest first) of the events that count: those of the filter's tenant, or
 * all when it names none. Returns the seq of the `MAX_SCANNED_EVENTS`-th, or
 * 1 when there are fewer.
 * @remarks Counting only the tenant's own events keeps a busy tenant from
 * pushing a quiet one's history out of reach.
 */
export function windowStart(seqsNewestFirst: Iterable<number>): number {
  let seen = 0
  for (const seq of seqsNewestFirst) if (++seen === MAX_SCANNED_EVENTS) return seq
  return 1
}

/** Where the next page starts when this one found fewer rows than asked: below the window, if anything is left there. */
export function windowContinuation(from: number | null): number | null {
  return from !== null && from > 1 ? from : null
}
