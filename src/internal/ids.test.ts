import { afterEach, describe, expect, it, vi } from 'vitest'
import { newId } from './ids.js'

describe('ids', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it('keeps the documented shape for every kind of id', () => {
    for (const prefix of ['evt', 'req', 'apr', 'frz'] as const) {
      expect(newId(prefix)).toMatch(new RegExp(`^${prefix}-[0-9a-f]{24}$`))
    }
  })

  it('orders event and request ids by the millisecond they were made in', () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    const made: string[] = []
    for (const at of [Date.UTC(2026, 0, 1), Date.UTC(2026, 0, 1) + 1, Date.UTC(2031, 5, 30, 12)]) {
      vi.setSystemTime(at)
      made.push(newId('evt').slice(4), newId('req').slice(4))
    }
    expect(made.map((id) => Number.parseInt(id.slice(0, 12), 16))).toEqual([
      Date.UTC(2026, 0, 1),
      Date.UTC(2026, 0, 1),
      Date.UTC(2026, 0, 1) + 1,
      Date.UTC(2026, 0, 1) + 1,
      Date.UTC(2031, 5, 30, 12),
      Date.UTC(2031, 5, 30, 12),
    ])
    // An id made in a later millisecond sorts after every id made earlier.
    for (let i = 2; i < made.length; i++) expect(made[i]! > made[i - 2 - (i % 2)]!).toBe(true)
  })

  it('never repeats an id made in the same millisecond', () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(Date.UTC(2026, 11, 7))
    const seen = new Set<string>()
    for (let i = 0; i < 20_000; i++) seen.add(newId('evt'))
    expect(seen.size).toBe(20_000)
  })

  it('gives approvals and freezes no time prefix: two made together share no leading characters beyond chance', () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(Date.UTC(2026, 11, 7))
    const prefixes = new Set(Array.from({ length: 64 }, () => newId('apr').slice(4, 12)))
    expect(prefixes.size).toBe(64)
  })
})
