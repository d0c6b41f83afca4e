import type { AuditStats } from '../../store/store.js'
import { shortTime } from '../format.js'

const SERIES = ['allowed', 'held', 'denied', 'failed'] as const
const W = 720
const H = 220
const PAD = { left: 40, right: 8, top: 10, bottom: 24 }

/** Rounds up to 1, 2 or 5 times a power of ten, for the axis. */
function niceMax(value: number): number {
  if (value <= 1) return 1
  const power = 10 ** Math.floor(Math.log10(value))
  for (const step of [1, 2, 5, 10]) if (step * power >= value) return step * power
  return 10 * power
}

/**
 * Requests per time bucket, stacked by how they ended, as an SVG drawn on
 * the server: no chart library, no script, and it scales to any width.
 */
export function DecisionsChart(props: { stats: AuditStats; since: Date; bucket_s: number; buckets: number }) {
  const { stats, since, bucket_s, buckets } = props
  const first = Math.floor(since.getTime() / 1000 / bucket_s) * bucket_s
  const columns = Array.from({ length: buckets }, () => ({ allowed: 0, held: 0, denied: 0, failed: 0 }))
  for (const b of stats.buckets) {
    const i = Math.floor((Date.parse(b.start) / 1000 - first) / bucket_s)
    const column = columns[i]
    // A request that ran was allowed: `executed` joins the allowed series.
    const series = b.status === 'executed' ? 'allowed' : b.status
    if (column && series in column) column[series as (typeof SERIES)[number]] += b.count
  }
  const totals = columns.map((c) => c.allowed + c.held + c.denied + c.failed)
  const max = niceMax(Math.max(0, ...totals))
  const plotW = W - PAD.left - PAD.right
  const plotH = H - PAD.top - PAD.bottom
  const barW = plotW / buckets
  const y = (v: number) => PAD.top + plotH - (v / max) * plotH
  const label = (i: number) => shortTime(new Date((first + i * bucket_s) * 1000).toISOString()).slice(5, 16)
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label="Requests over time by outcome">
        <title>Requests over time by outcome</title>
        {[0, max / 2, max].map((v) => (
          <g class="grid">
            <line x1={PAD.left} x2={W - PAD.right} y1={y(v)} y2={y(v)} />
            <text x={PAD.left - 4} y={y(v) + 4} text-anchor="end">
              {String(Math.round(v))}
            </text>
          </g>
        ))}
        {columns.map((column, i) => {
          let base = 0
          return (
            <g>
              {SERIES.map((s) => {
                const value = column[s]
                if (value === 0) return null
                const top = y(base + value)
                const rect = (
                  <rect
                    class={`bar b-${s}`}
                    x={PAD.left + i * barW + barW * 0.1}
                    width={Math.max(1, barW * 0.8)}
                    y={top}
                    height={y(base) - top}
                  >
                    <title>{`${label(i)}: ${value} ${s}`}</title>
                  </rect>
                )
                base += value
                return rect
              })}
            </g>
          )
        })}
        {(
          [
            [0, 'start'],
            [Math.floor(buckets / 2), 'middle'],
            [buckets - 1, 'end'],
          ] as const
        ).map(([i, anchor]) => (
          <text class="axis" x={PAD.left + i * barW + barW / 2} y={H - 6} text-anchor={anchor}>
            {label(i)}
          </text>
        ))}
      </svg>
      <figcaption class="legend">
        {SERIES.map((s) => (
          <span class={`key k-${s}`}>{s}</span>
        ))}
      </figcaption>
    </figure>
  )
}
