import type { AuditCount, AuditStats } from '../../store/store.js'
import { humanDuration, percentile } from '../format.js'
import { DecisionsChart } from './decisions-chart.js'

export const RANGES = {
  '1h': { ms: 3_600_000, bucket_s: 60, label: '1 hour' },
  '24h': { ms: 86_400_000, bucket_s: 1800, label: '24 hours' },
  '7d': { ms: 7 * 86_400_000, bucket_s: 6 * 3600, label: '7 days' },
} as const

export type RangeName = keyof typeof RANGES

function TopList(props: {
  title: string
  items: readonly AuditCount[]
  base: string
  field: 'action' | 'actor'
}) {
  const max = Math.max(1, ...props.items.map((i) => i.count))
  return (
    <div class="panel">
      <h2>{props.title}</h2>
      {props.items.length === 0 ? (
        <p class="empty">None in this range.</p>
      ) : (
        <ol class="top">
          {props.items.map((item) => (
            <li>
              <a href={`${props.base}/audit?${props.field}=${encodeURIComponent(item.name)}`}>{item.name}</a>
              <meter min={0} max={max} value={item.count} />
              <span class="count">{item.count}</span>
            </li>
          ))}
        </ol>
      )}
    </div>
  )
}

/** The overview: outcomes over time, top actions and actors, approval latency, limit trips. */
export function OverviewView(props: { base: string; range: RangeName; since: Date; stats: AuditStats }) {
  const { base, range, stats } = props
  const spec = RANGES[range]
  const total = stats.buckets.reduce((n, b) => n + b.count, 0)
  const p50 = percentile(stats.approval_latencies_ms, 50)
  const p95 = percentile(stats.approval_latencies_ms, 95)
  const trips = stats.limit_trips.reduce((n, t) => n + t.count, 0)
  return (
    <section class="overview">
      <h1>Overview</h1>
      <nav class="ranges" aria-label="Time range">
        {(Object.keys(RANGES) as RangeName[]).map((r) => (
          <a href={`${base}/overview?range=${r}`} class={r === range ? 'current' : ''}>
            {r}
          </a>
        ))}
      </nav>
      <div class="tiles">
        <div class="tile">
          <span class="big">{total}</span> requests in the last {spec.label}
        </div>
        <div class="tile">
          <span class="big">{p50 === null ? '—' : humanDuration(p50)}</span> approval latency p50
        </div>
        <div class="tile">
          <span class="big">{p95 === null ? '—' : humanDuration(p95)}</span> approval latency p95 (
          {stats.approval_latencies_ms.length} decided)
        </div>
        <div class="tile">
          <span class="big">{trips}</span> limit trips
          {stats.limit_trips.length > 0 ? (
            <small> ({stats.limit_trips.map((t) => `${t.name} ${t.count}`).join(', ')})</small>
          ) : null}
        </div>
      </div>
      <DecisionsChart
        stats={stats}
        since={props.since}
        bucket_s={spec.bucket_s}
        buckets={Math.ceil(spec.ms / 1000 / spec.bucket_s) + 1}
      />
      <div class="panels">
        <TopList title="Top actions" items={stats.top_actions} base={base} field="action" />
        <TopList title="Top actors" items={stats.top_actors} base={base} field="actor" />
      </div>
    </section>
  )
}
