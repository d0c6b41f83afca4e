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

  it('gives each buffer bytes of its own, which later refills of the pool leave alone', () => {
    const iv = randomBuffer(12)
    const kept = Buffer.from(iv)
    expect(iv).toHaveLength(12)
    // Enough draws to refill the 6 KiB pool several times over.
    for (let i = 0; i < 2_000; i++) randomHex(16)
    expect(iv.equals(kept)).toBe(true)
    expect(iv.equals(randomBuffer(12))).toBe(false)
  })

  it('refuses sizes it cannot draw', () => {
    expect(randomBase64url(9)).toMatch(/^[A-Za-z0-9_-]{12}$/)
    expect(() => randomHex(0)).toThrow(RangeError)
    expect(() => randomHex(257)).toThrow(RangeError)
  })
})
