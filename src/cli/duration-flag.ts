import { parseDuration } from '../config/parse-duration.js'
import { UsageError } from './usage-error.js'

/**
 * A lifetime flag in whole seconds, written as a duration (`30s`, `15m`,
 * `1h`, `7d`, `1h30m`) as everywhere else in Airlock.
 *
 * @remarks `bareSeconds` keeps a plain number working (as seconds) for flags
 * that took one before durations were accepted; elsewhere a bare number is
 * refused, as in config files, because seconds and milliseconds are easy to confuse.
 */
export function durationFlagSeconds(
  name: string,
  value: string | undefined,
  options: { bareSeconds?: boolean } = {},
): number | undefined {
  if (value === undefined) return undefined
  if (options.bareSeconds && /^\d+$/.test(value.trim()) && Number(value) >= 1) return Number(value)
  const ms = parseDuration(value)
  if (ms === undefined || ms < 1000 || ms % 1000 !== 0) {
    throw new UsageError(
      `${name} must be a duration of whole seconds such as 30s, 15m, 1h or 7d, got '${value}'`,
    )
  }
  return ms / 1000
}

/**
 * A time-limit flag in milliseconds, written as a duration (`500ms`, `5s`,
 * `2m`) and kept within `[1, maxMs]`.
 *
 * @remarks A bare number is read as milliseconds, for flags that took only
 * milliseconds before durations were accepted (`--timeout 300` keeps working).
 */
export function durationFlagMs(name: string, value: string, maxMs: number): number {
  const text = value.trim()
  const ms = /^\d+$/.test(text) ? Number(text) : parseDuration(text)
  if (ms === undefined || ms < 1 || ms > maxMs) {
    throw new UsageError(
      `${name} must be a duration from 1ms to ${maxMs / 1000}s such as 500ms, 5s or 2m (a bare number is milliseconds), got '${value}'`,
    )
  }
  return ms
}
