import {
  checkStatsQuery,
  DECISION_STATUSES,
  ENDING_STATUSES,
  foldStatsRows,
  timePrefixLength,
} from '../internal/audit-stats.js'
import type { AuditStats, AuditStatsQuery } from '../store.js'

/** Runs one read-only statement and returns its rows. */
export type PostgresQuery = (sql: string, params: readonly unknown[]) => Promise<unknown[]>

const list = (statuses: readonly string[]) => statuses.map((s) => `'${s}'`).join(', ')
// Every aggregate is driven by the (tenant_id, ts) index from migration 2.
const RANGE = 'tenant_id = $1 AND ts >= $2 AND ts < $3'

/** {@link AuditStore.stats} for PostgreSQL; `s` is the quoted schema. */
export async function postgresAuditStats(
  run: PostgresQuery,
  s: string,
  query: AuditStatsQuery,
): Promise<AuditStats> {
  const q = checkStatsQuery(query)
  const T = `${s}.airlock_audit_events`
  const range = [q.tenant_id, q.since, q.until]
  const top = (column: 'action' | 'actor') =>
    run(
      `SELECT ${column} AS name, count(*) AS count FROM ${T}
        WHERE ${RANGE} AND status IN (${list(DECISION_STATUSES)})
        GROUP BY ${column} ORDER BY count DESC, name LIMIT $4`,
      [...range, q.top],
    )
  const [buckets, actions, actors, latencies, trips] = await Promise.all([
    run(
      `SELECT substr(ts, 1, ${timePrefixLength(q.bucket_s)}) AS prefix, status, count(*) AS count
        FROM ${T} WHERE ${RANGE} AND status IN (${list(ENDING_STATUSES)})
        GROUP BY prefix, status`,
      range,
    ),
    top('action'),
    top('actor'),
    run(
      `SELECT min(d.ts) AS decided,
          (SELECT min(h.ts) FROM ${T} h
            WHERE h.approval_id = d.approval_id AND h.status = 'held') AS held
        FROM ${T} d WHERE d.tenant_id = $1 AND d.ts >= $2 AND d.ts < $3
          AND d.status IN ('approved', 'rejected') AND d.approval_id IS NOT NULL
        GROUP BY d.approval_id`,
      range,
    ),
    run(
      `SELECT (body::jsonb) -> 'context' ->> 'limit' AS name, count(*) AS count FROM ${T}
        WHERE ${RANGE} AND status = 'denied' AND (body::jsonb) -> 'context' ->> 'code' = 'RATE_LIMITED'
        GROUP BY name`,
      range,
    ),
  ])
  return foldStatsRows(q, { buckets, actions, actors, latencies, trips } as never)
}
