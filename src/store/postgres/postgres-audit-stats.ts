import {
  checkStatsQuery,
  DECISION_STATUSES,
  ENDING_STATUSES,
  foldStatsRows,
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
      `SELECT (floor(extract(epoch FROM ts::timestamptz) / $4) * $4)::bigint AS bucket, status, count(*) AS count
        FROM ${T} WHERE ${RANGE} AND status IN (${list(ENDING_STATUSES)})
        GROUP BY bucket, status ORDER BY bucket`,
      [...range, q.bucket_s],
    ),
    top('action'),
    top('actor'),
    run(
      `SELECT h.ts AS held, min(d.ts) AS decided FROM ${T} d
        JOIN ${T} h ON h.approval_id = d.approval_id AND h.status = 'held' AND h.tenant_id = d.tenant_id
        WHERE d.tenant_id = $1 AND d.ts >= $2 AND d.ts < $3 AND d.status IN ('approved', 'rejected')
        GROUP BY d.approval_id, h.ts`,
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
