import { describe, expect, it } from 'vitest'
import { canonicalJson } from './canonical-json.js'

describe('canonicalJson (RFC 8785)', () => {
  it('sorts keys by UTF-16 code units at every depth and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, undefined], c: null }, e: undefined })).toBe(
      '{"a":{"c":null,"d":[3,null]},"b":1}',
    )
    // "\u{1F600}" (a surrogate pair, 0xD83D...) sorts before "\uFFFD" by code units, after it by code points.
    expect(canonicalJson({ '\uFFFD': 1, '\u{1F600}': 2 })).toBe('{"\u{1F600}":2,"\uFFFD":1}')
  })

  it('writes numbers in their shortest round-trip form', () => {
    expect(canonicalJson([1.0, -0, 1e21, 1e-7, 0.1 + 0.2, 333333333.3333333])).toBe(
      '[1,0,1e+21,1e-7,0.30000000000000004,333333333.3333333]',
    )
  })

  it('matches the RFC 8785 example for strings with escapes', () => {
    expect(canonicalJson({ s: '€$\u000f\nA\'B"\\\\"/' })).toBe('{"s":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}')
  })

  it('refuses what JSON cannot represent', () => {
    expect(() => canonicalJson(Number.NaN)).toThrow(/NaN/)
    expect(() => canonicalJson({ n: 10n })).toThrow(/bigint/)
    const cycle: Record<string, unknown> = {}
    cycle.self = cycle
    expect(() => canonicalJson(cycle)).toThrow(/cycle/)
  })

  it('uses toJSON, so dates become ISO strings', () => {
    expect(canonicalJson({ at: new Date('2026-01-01T00:00:00Z') })).toBe('{"at":"2026-01-01T00:00:00.000Z"}')
  })
})

describe('canonicalJson info', () => {
  it('reports when the text would not read back as the same value', () => {
    const plain = { lossy: false }
    canonicalJson({ a: [1, 'x'], b: null }, plain)
    expect(plain.lossy).toBe(false)
    for (const value of [{ at: new Date(0) }, { a: undefined }, [undefined], -0]) {
      const info = { lossy: false }
      canonicalJson(value, info)
      expect(info.lossy).toBe(true)
    }
  })
})
