import {
  checkStatsQuery,
  DECISION_STATUSES,
  ENDING_STATUSES,
  foldStatsRows,
  timePrefixLength,
} from '../internal/audit-stats.js'
import type { AuditStats, AuditStatsQuery } from '../store.js'

/** Runs one read-only statement and returns its rows. */
export type SqliteAll = (sql: string, params: readonly unknown[]) => unknown[]

const T = 'airlock_audit_events'
const list = (statuses: readonly string[]) => statuses.map((s) => `'${s}'`).join(', ')
// Every aggregate is driven by the (tenant_id, ts) index from migration 2.
const RANGE = 'tenant_id = ? AND ts >= ? AND ts < ?'

const buckets = (prefix: number) => `SELECT substr(ts, 1, ${prefix}) AS prefix, status, count(*) AS count
  FROM ${T} WHERE ${RANGE} AND status IN (${list(ENDING_STATUSES)}) GROUP BY prefix, status`
const top = (column: 'action' | 'actor') => `SELECT ${column} AS name, count(*) AS count FROM ${T}
  WHERE ${RANGE} AND status IN (${list(DECISION_STATUSES)}) GROUP BY ${column} ORDER BY count DESC, name LIMIT ?`
// A correlated lookup through the approval_id index (approval ids are unique across tenants, so no
// tenant condition: one would lead SQLite's planner to the far larger tenant index).
const LATENCIES = `SELECT min(d.ts) AS decided,
    (SELECT min(h.ts) FROM ${T} h WHERE h.approval_id = d.approval_id AND h.status = 'held') AS held
  FROM ${T} d WHERE d.tenant_id = ? AND d.ts >= ? AND d.ts < ? AND d.status IN ('approved', 'rejected')
    AND d.approval_id IS NOT NULL
  GROUP BY d.approval_id`
const TRIPS = `SELECT json_extract(body, '$.context.limit') AS name, count(*) AS count FROM ${T}
  WHERE ${RANGE} AND status = 'denied' AND json_extract(body, '$.context.code') = 'RATE_LIMITED'
  GROUP BY name`

/** {@link AuditStore.stats} for SQLite: five grouped queries over the tenant's time range. */
export function sqliteAuditStats(all: SqliteAll, query: AuditStatsQuery): AuditStats {
  const q = checkStatsQuery(query)
  const range = [q.tenant_id, q.since, q.until]
  return foldStatsRows(q, {
    buckets: all(buckets(timePrefixLength(q.bucket_s)), range) as never,
    actions: all(top('action'), [...range, q.top]) as never,
    actors: all(top('actor'), [...range, q.top]) as never,
    latencies: all(LATENCIES, range) as never,
    trips: all(TRIPS, range) as never,
  })
}
