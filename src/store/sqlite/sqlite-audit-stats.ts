import {
  checkStatsQuery,
  DECISION_STATUSES,
  ENDING_STATUSES,
  foldStatsRows,
} from '../internal/audit-stats.js'
import type { AuditStats, AuditStatsQuery } from '../store.js'

/** Runs one read-only statement and returns its rows. */
export type SqliteAll = (sql: string, params: readonly unknown[]) => unknown[]

const T = 'airlock_audit_events'
const list = (statuses: readonly string[]) => statuses.map((s) => `'${s}'`).join(', ')
// Every aggregate is driven by the (tenant_id, ts) index from migration 2.
const RANGE = 'tenant_id = ? AND ts >= ? AND ts < ?'

const BUCKETS = `SELECT CAST(strftime('%s', ts) AS INTEGER) / CAST(? AS INTEGER) * CAST(? AS INTEGER) AS bucket, status, count(*) AS count
  FROM ${T} WHERE ${RANGE} AND status IN (${list(ENDING_STATUSES)}) GROUP BY bucket, status ORDER BY bucket`
const top = (column: 'action' | 'actor') => `SELECT ${column} AS name, count(*) AS count FROM ${T}
  WHERE ${RANGE} AND status IN (${list(DECISION_STATUSES)}) GROUP BY ${column} ORDER BY count DESC, name LIMIT ?`
const LATENCIES = `SELECT h.ts AS held, min(d.ts) AS decided FROM ${T} d
  JOIN ${T} h ON h.approval_id = d.approval_id AND h.status = 'held' AND h.tenant_id = d.tenant_id
  WHERE d.tenant_id = ? AND d.ts >= ? AND d.ts < ? AND d.status IN ('approved', 'rejected')
  GROUP BY d.approval_id, h.ts`
const TRIPS = `SELECT json_extract(body, '$.context.limit') AS name, count(*) AS count FROM ${T}
  WHERE ${RANGE} AND status = 'denied' AND json_extract(body, '$.context.code') = 'RATE_LIMITED'
  GROUP BY name`

/** {@link AuditStore.stats} for SQLite: five grouped queries over the tenant's time range. */
export function sqliteAuditStats(all: SqliteAll, query: AuditStatsQuery): AuditStats {
  const q = checkStatsQuery(query)
  const range = [q.tenant_id, q.since, q.until]
  return foldStatsRows(q, {
    buckets: all(BUCKETS, [q.bucket_s, q.bucket_s, ...range]) as never,
    actions: all(top('action'), [...range, q.top]) as never,
    actors: all(top('actor'), [...range, q.top]) as never,
    latencies: all(LATENCIES, range) as never,
    trips: all(TRIPS, range) as never,
  })
}
