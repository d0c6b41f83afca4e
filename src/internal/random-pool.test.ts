import { describe, expect, it } from 'vitest'
import { randomBase64url, randomBuffer, randomHex } from './random-pool.js'

describe('pooled random draws', () => {
  it('never hands out the same bytes twice, across refills of the pool', () => {
    const seen = new Set<string>()
    // 20,000 draws of 12 bytes span about 40 refills of the 6 KiB pool.
    for (let i = 0; i < 20_000; i++) seen.add(randomHex(12))
    expect(seen.size).toBe(20_000)
    expect([...seen].every((hex) => /^[0-9a-f]{24}$/.test(hex))).toBe(true)
  })

  it('gives each buffer bytes of its own, and refuses sizes it cannot draw', () => {
    const a = randomBuffer(12)
    const b = randomBuffer(12)
    expect(a).toHaveLength(12)
    expect(a.equals(b)).toBe(false)
    a.fill(0)
    expect(b.some((byte) => byte !== 0)).toBe(true)
    expect(randomBase64url(9)).toMatch(/^[A-Za-z0-9_-]{12}$/)
    expect(() => randomHex(0)).toThrow(RangeError)
    expect(() => randomHex(257)).toThrow(RangeError)
  })
})
