import { describe, expect, it } from 'vitest'
import { isoTime } from './iso-time.js'

describe('isoTime', () => {
  it('normalises offsets and keeps refusing garbage after normalising good times', () => {
    expect(isoTime('2026-12-07T10:00:00+01:00', 'now')).toBe('2026-12-07T09:00:00.000Z')
    expect(isoTime('2026-12-07T09:00:00.000Z', 'now')).toBe('2026-12-07T09:00:00.000Z')
    for (const bad of ['', 'tomorrow', '2026-13-01T00:00:00Z', undefined as unknown as string]) {
      expect(() => isoTime(bad, 'lease_until')).toThrow(/lease_until must be an ISO-8601 time/)
    }
  })
})
