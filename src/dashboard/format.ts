/** Small display helpers shared by the views. */

/** `2026-12-04 15:39:42Z` from an ISO time. */
export function shortTime(iso: string | null): string {
  if (iso === null) return '—'
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}Z`
}

/** `3 h 12 min`, `45 s`: a duration for people. */
export function humanDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '—'
  const s = Math.round(Math.abs(ms) / 1000)
  if (s < 60) return `${s} s`
  const min = Math.floor(s / 60)
  if (min < 60) return `${min} min ${s % 60} s`
  const h = Math.floor(min / 60)
  if (h < 48) return `${h} h ${min % 60} min`
  return `${Math.floor(h / 24)} d ${h % 24} h`
}

/** The value at percentile `p` (0–100) of ascending `sorted`, nearest-rank; null when empty. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null
  const rank = Math.ceil((p / 100) * sorted.length)
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? null
}

/** Pretty JSON for a `<pre>`; the JSX renderer escapes it. */
export function prettyJson(value: unknown): string {
  return JSON.stringify(value, null, 2) ?? 'null'
}
