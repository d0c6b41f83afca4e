/**
 * Durations in configuration files: `500ms`, `30s`, `5m`, `24h`, `7d`, or
 * several run together (`1h30m`).
 *
 * @module
 */

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const
const WHOLE = /^(?:\d+(?:ms|s|m|h|d))+$/
const PART = /(\d+)(ms|s|m|h|d)/g

/** What a duration must look like, for error messages. */
export const DURATION_EXPECTED = 'expected a duration such as 500ms, 30s, 5m, 24h or 7d'

/**
 * Milliseconds in `text`, or `undefined` when it is not a duration.
 *
 * @remarks A bare number is refused on purpose: `ttl: 30` could mean seconds
 * or milliseconds, and guessing wrong by a factor of 1000 is the kind of
 * mistake nobody notices until an approval expires.
 */
export function parseDuration(text: string): number | undefined {
  const value = text.trim()
  if (!WHOLE.test(value)) return undefined
  let total = 0
  for (const [, amount, unit] of value.matchAll(PART)) {
    total += Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS]
  }
  return Number.isSafeInteger(total) ? total : undefined
}
