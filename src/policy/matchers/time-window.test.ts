import { describe, expect, it } from 'vitest'
import { compileTimeWindow, isValidTimeZone } from './time-window.js'

// 2024-01-01 was a Monday.
const at = (iso: string) => new Date(iso)

describe('compileTimeWindow', () => {
  it('includes the whole end hour', () => {
    const inWindow = compileTimeWindow({ start_hour: 9, end_hour: 17 })
    expect(inWindow(at('2024-01-01T09:00:00Z'))).toBe(true)
    expect(inWindow(at('2024-01-01T17:59:59Z'))).toBe(true)
    expect(inWindow(at('2024-01-01T18:00:00Z'))).toBe(false)
    expect(inWindow(at('2024-01-01T08:59:59Z'))).toBe(false)
  })

  it('wraps midnight when start is after end', () => {
    const night = compileTimeWindow({ start_hour: 22, end_hour: 5 })
    expect(night(at('2024-01-01T23:30:00Z'))).toBe(true)
    expect(night(at('2024-01-02T05:30:00Z'))).toBe(true)
    expect(night(at('2024-01-02T12:00:00Z'))).toBe(false)
  })

  it('numbers days from Monday = 0', () => {
    const weekdays = compileTimeWindow({ days: [0, 1, 2, 3, 4], start_hour: 0, end_hour: 23 })
    expect(weekdays(at('2024-01-01T12:00:00Z'))).toBe(true)
    expect(weekdays(at('2024-01-06T12:00:00Z'))).toBe(false)
    expect(compileTimeWindow({ days: [], start_hour: 0, end_hour: 23 })(at('2024-01-01T12:00:00Z'))).toBe(
      false,
    )
  })

  it("evaluates day and hour in the window's time zone", () => {
    // 2024-01-01 23:30 UTC is Tuesday 08:30 in Tokyo.
    const tokyoTuesdayMorning = compileTimeWindow({
      days: [1],
      start_hour: 8,
      end_hour: 8,
      timezone: 'Asia/Tokyo',
    })
    expect(tokyoTuesdayMorning(at('2024-01-01T23:30:00Z'))).toBe(true)
    expect(tokyoTuesdayMorning(at('2024-01-01T22:30:00Z'))).toBe(false)
    const utc = compileTimeWindow({ days: [1], start_hour: 8, end_hour: 8 })
    expect(utc(at('2024-01-01T23:30:00Z'))).toBe(false)
  })

  it('follows daylight saving time', () => {
    const nineInNewYork = compileTimeWindow({ start_hour: 9, end_hour: 9, timezone: 'America/New_York' })
    expect(nineInNewYork(at('2024-01-15T14:30:00Z'))).toBe(true)
    expect(nineInNewYork(at('2024-07-15T13:30:00Z'))).toBe(true)
    expect(nineInNewYork(at('2024-07-15T14:30:00Z'))).toBe(false)
  })

  it('knows which zones exist', () => {
    expect(isValidTimeZone('Europe/Berlin')).toBe(true)
    expect(isValidTimeZone('Mars/Olympus')).toBe(false)
  })
})
