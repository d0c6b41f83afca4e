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
