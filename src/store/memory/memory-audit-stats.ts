import type { AuditEvent } from '../../audit/audit-event.js'
import {
  bucketStart,
  checkStatsQuery,
  DECISION_STATUSES,
  ENDING_STATUSES,
  latencyMs,
  sortBuckets,
  topCounts,
} from '../internal/audit-stats.js'
import type { AuditStats, AuditStatsQuery } from '../store.js'

const bump = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1)

/** {@link AuditStore.stats} over the memory store's event array (chain order). */
export function memoryAuditStats(events: readonly AuditEvent[], query: AuditStatsQuery): AuditStats {
  const q = checkStatsQuery(query)
  const buckets = new Map<string, number>()
  const actions = new Map<string, number>()
  const actors = new Map<string, number>()
  const trips = new Map<string, number>()
  const held = new Map<string, string>()
  const decided = new Map<string, string>()
  for (const e of events) {
    if (e.tenant_id !== q.tenant_id) continue
    if (e.status === 'held' && e.approval_id !== null) held.set(e.approval_id, e.ts)
    if (e.ts < q.since || e.ts >= q.until) continue
    if (ENDING_STATUSES.includes(e.status)) {
      bump(buckets, `${bucketStart(Date.parse(e.ts) / 1000, q.bucket_s)}|${e.status}`)
    }
    if (DECISION_STATUSES.includes(e.status)) {
      bump(actions, e.action)
      bump(actors, e.actor)
    }
    if ((e.status === 'approved' || e.status === 'rejected') && e.approval_id !== null) {
      if (!decided.has(e.approval_id)) decided.set(e.approval_id, e.ts)
    }
    const context = e.context ?? {}
    if (e.status === 'denied' && context.code === 'RATE_LIMITED') {
      bump(trips, typeof context.limit === 'string' ? context.limit : 'unknown')
    }
  }
  const latencies: number[] = []
  for (const [id, at] of decided) {
    const from = held.get(id)
    const ms = from === undefined ? null : latencyMs(from, at)
    if (ms !== null) latencies.push(ms)
  }
  return {
    buckets: sortBuckets(
      [...buckets].map(([key, count]) => {
        const [start, status] = key.split('|') as [string, AuditEvent['status']]
        return { start, status, count }
      }),
    ),
    top_actions: topCounts(actions, q.top),
    top_actors: topCounts(actors, q.top),
    approval_latencies_ms: latencies.sort((a, b) => a - b),
    limit_trips: topCounts(trips, 100),
  }
}
