/**
 * Weekday and hour windows, evaluated in a named time zone.
 *
 * @module
 */

/** A weekly window. Hours are whole hours, the end hour included. */
export interface TimeWindow {
  /** 0 = Monday … 6 = Sunday; absent means every day. */
  readonly days?: readonly number[] | undefined
  readonly start_hour: number
  readonly end_hour: number
  /** IANA name; UTC when absent. */
  readonly timezone?: string | undefined
}

/** True when `timezone` is an IANA zone this runtime knows. */
export function isValidTimeZone(timezone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone })
    return true
  } catch {
    return false
  }
}

const WEEKDAYS: Record<string, number> = { Mon: 0, Tue: 1, Wed: 2, Thu: 3, Fri: 4, Sat: 5, Sun: 6 }

type Clock = (now: Date) => { day: number; hour: number }

function utcClock(now: Date): { day: number; hour: number } {
  return { day: (now.getUTCDay() + 6) % 7, hour: now.getUTCHours() }
}

function zoneClock(timezone: string): Clock {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone: timezone,
    weekday: 'short',
    hour: 'numeric',
    hourCycle: 'h23',
  })
  // Zone offsets only change on minute boundaries, so the last minute's answer
  // can be reused; formatToParts is the slow part.
  let cachedMinute = Number.NaN
  let cached = { day: 0, hour: 0 }
  return (now) => {
    const minute = Math.floor(now.getTime() / 60_000)
    if (minute === cachedMinute) return cached
    let day = 0
    let hour = 0
    for (const part of format.formatToParts(now)) {
      if (part.type === 'weekday') day = WEEKDAYS[part.value] ?? 0
      else if (part.type === 'hour') hour = Number(part.value) % 24
    }
    cachedMinute = minute
    cached = { day, hour }
    return cached
  }
}

/**
 * Compiles a window into a predicate over instants.
 *
 * @remarks agent-safe semantics: the hour test is `start <= hour <= end`
 * (the whole end hour is inside), and a window with `start > end` wraps
 * midnight (`hour >= start || hour <= end`). The weekday and hour are those
 * of the window's own time zone. Validate the window first: an unknown zone
 * throws a RangeError here.
 */
export function compileTimeWindow(window: TimeWindow): (now: Date) => boolean {
  const clock =
    window.timezone === undefined || window.timezone === 'UTC' ? utcClock : zoneClock(window.timezone)
  const days = window.days === undefined ? undefined : new Set(window.days)
  const { start_hour: start, end_hour: end } = window
  return (now) => {
    const { day, hour } = clock(now)
    if (days !== undefined && !days.has(day)) return false
    return start <= end ? start <= hour && hour <= end : hour >= start || hour <= end
  }
}
