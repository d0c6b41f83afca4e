import type { AuditStatus } from '../../audit/audit-event.js'
import type { AuditCount, AuditStats, AuditStatsQuery } from '../store.js'
import { isoTime } from './iso-time.js'
import { badRequest } from './store-error.js'

/**
 * The statuses that end (or park) a request: what the overview charts.
 * `executed` is a request that was allowed and ran; `allowed` alone is an advisory check.
 */
export const ENDING_STATUSES: readonly AuditStatus[] = ['allowed', 'executed', 'denied', 'held', 'failed']

/**
 * Statuses that count towards top actions and actors: a request is counted
 * when it is decided (`allowed` for checks, `denied`, `held`) and each time it
 * starts running (`started`), so an approved request counts twice.
 */
export const DECISION_STATUSES: readonly AuditStatus[] = ['allowed', 'started', 'denied', 'held']

const MAX_TOP = 100
// Seven days in one-minute buckets is the finest sensible chart; refuse anything that explodes.
const MAX_BUCKETS = 20_000

/** Checks a stats query and normalises its times; anything off is a BAD_REQUEST. */
export function checkStatsQuery(query: AuditStatsQuery): AuditStatsQuery {
  if (typeof query?.tenant_id !== 'string' || query.tenant_id === '') {
    throw badRequest('audit stats need a tenant_id')
  }
  const since = isoTime(query.since, 'since')
  const until = isoTime(query.until, 'until')
  if (since >= until) throw badRequest('audit stats: since must be before until')
  if (!Number.isSafeInteger(query.bucket_s) || query.bucket_s < 60 || query.bucket_s % 60 !== 0) {
    throw badRequest('audit stats: bucket_s must be a whole number of minutes in seconds (60, 120, ...)')
  }
  if ((Date.parse(until) - Date.parse(since)) / 1000 / query.bucket_s > MAX_BUCKETS) {
    throw badRequest(`audit stats: more than ${MAX_BUCKETS} buckets; widen bucket_s`)
  }
  if (!Number.isSafeInteger(query.top) || query.top < 1 || query.top > MAX_TOP) {
    throw badRequest(`audit stats: top must be a whole number from 1 to ${MAX_TOP}`)
  }
  return { tenant_id: query.tenant_id, since, until, bucket_s: query.bucket_s, top: query.top }
}

type Bucket = AuditStats['buckets'][number]

/** Buckets in time order, then by status name, whatever order the store produced them in. */
export function sortBuckets(buckets: Bucket[]): Bucket[] {
  const key = (b: Bucket) => `${b.start}|${b.status}`
  return buckets.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0))
}

/**
 * How many leading characters of an ISO time the SQL stores group by: whole
 * hours when buckets are whole hours, else whole minutes. Grouping by a text
 * prefix reads only the (tenant_id, ts, ...) index; the rows are then folded
 * into buckets of `bucket_s` here.
 */
export function timePrefixLength(bucket_s: number): 13 | 16 {
  return bucket_s % 3600 === 0 ? 13 : 16
}

/** Epoch seconds of a prefix made by {@link timePrefixLength}. */
export function prefixSeconds(prefix: string): number {
  return Date.parse(prefix.length === 13 ? `${prefix}:00:00.000Z` : `${prefix}:00.000Z`) / 1000
}

/** ISO start of the bucket holding epoch second `seconds`. */
export function bucketStart(seconds: number, bucket_s: number): string {
  return new Date(Math.floor(seconds / bucket_s) * bucket_s * 1000).toISOString()
}

/** Most first, ties by name, at most `top`. */
export function topCounts(counts: Iterable<readonly [string, number]>, top: number): AuditCount[] {
  return [...counts]
    .map(([name, count]) => ({ name, count: Number(count) }))
    .sort((a, b) => b.count - a.count || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .slice(0, top)
}

/** Latency in ms between two ISO times, or null when it makes no sense (decided before held). */
export function latencyMs(held: string, decided: string): number | null {
  const ms = Date.parse(decided) - Date.parse(held)
  return Number.isFinite(ms) && ms >= 0 ? ms : null
}

function foldBuckets(
  rows: readonly { prefix: string; status: string; count: number | string }[],
  bucket_s: number,
): AuditStats['buckets'] {
  const sums = new Map<string, { start: string; status: AuditStatus; count: number }>()
  for (const r of rows) {
    const start = bucketStart(prefixSeconds(r.prefix), bucket_s)
    const key = `${start}|${r.status}`
    const entry = sums.get(key) ?? { start, status: r.status as AuditStatus, count: 0 }
    entry.count += Number(r.count)
    sums.set(key, entry)
  }
  return sortBuckets([...sums.values()])
}

/** Rows the SQL stores return, folded into {@link AuditStats}. */
export function foldStatsRows(
  query: AuditStatsQuery,
  rows: {
    /** Counts per time prefix (see {@link timePrefixLength}) and status. */
    readonly buckets: readonly { prefix: string; status: string; count: number | string }[]
    readonly actions: readonly { name: string; count: number | string }[]
    readonly actors: readonly { name: string; count: number | string }[]
    readonly latencies: readonly { held: string | null; decided: string }[]
    readonly trips: readonly { name: string | null; count: number | string }[]
  },
): AuditStats {
  return {
    buckets: foldBuckets(rows.buckets, query.bucket_s),
    top_actions: topCounts(
      rows.actions.map((r) => [r.name, Number(r.count)]),
      query.top,
    ),
    top_actors: topCounts(
      rows.actors.map((r) => [r.name, Number(r.count)]),
      query.top,
    ),
    approval_latencies_ms: rows.latencies
      .map((r) => (r.held === null ? null : latencyMs(r.held, r.decided)))
      .filter((ms): ms is number => ms !== null)
      .sort((a, b) => a - b),
    limit_trips: topCounts(
      rows.trips.map((r) => [r.name ?? 'unknown', Number(r.count)]),
      MAX_TOP,
    ),
  }
}
