/**
 * Property tests over what every audit event goes through: the redactor takes
 * any value an agent sends (never throwing, never leaking a value under a
 * sensitive key) and canonical JSON of its result reads back as the same value.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { canonicalJson } from '../../src/audit/canonical-json.js'
import { createRedactor } from '../../src/audit/redact.js'
import { expectQuick, fuzzRuns, nastyString } from './fuzz-support.js'

const runs = fuzzRuns(100)
const redactor = createRedactor()

/** Whatever an agent or a tool can put in a request or an outcome, plus values JSON cannot hold. */
const anyValue = fc.oneof(
  fc.anything({
    maxDepth: 4,
    withBigInt: true,
    withDate: true,
    withMap: true,
    withSet: true,
    withTypedArray: true,
  }),
  fc.jsonValue({ maxDepth: 4 }),
  nastyString,
)

const secret = fc.stringMatching(/^[A-Za-z0-9]{16,32}$/).map((s) => `Zq${s}`)

function nest(value: unknown, path: readonly (string | number)[]): unknown {
  return path.reduceRight<unknown>(
    (inner, part) => (typeof part === 'number' ? [inner] : { [part]: inner, note: 'x' }),
    value,
  )
}

describe('redaction', () => {
  it('takes any value without throwing and returns something canonical JSON can write', () => {
    fc.assert(
      fc.property(anyValue, (value) => {
        const started = performance.now()
        const redacted = redactor.redact(value)
        expect(() => canonicalJson(redacted)).not.toThrow()
        expectQuick(started, value)
      }),
      { numRuns: runs },
    )
  })

  it('never lets a value under a sensitive key through, at any depth', () => {
    const key = fc.constantFrom(
      'password',
      'api_key',
      'Authorization',
      'clientSecret',
      'x-api-key',
      'PASSWORD',
    )
    const path = fc.array(fc.oneof(fc.constantFrom('args', 'data', 'items'), fc.nat(3)), { maxLength: 14 })
    fc.assert(
      fc.property(secret, key, path, (value, name, at) => {
        const text = JSON.stringify(redactor.redact(nest({ [name]: value }, at)))
        expect(text).not.toContain(value)
      }),
      { numRuns: runs },
    )
  })

  it('masks secrets in long or regex-hostile text quickly', () => {
    const filler = fc.constantFrom('a', '=', ' ', ':', '"', '-', 'Bearer ', 'password=', '\\', '{', 'sk-')
    fc.assert(
      fc.property(fc.array(filler, { maxLength: 200 }), fc.nat(5000), (parts, repeat) => {
        const text = parts.join('').repeat(Math.max(1, Math.floor(repeat / Math.max(1, parts.length))))
        const started = performance.now()
        expect(typeof redactor.redactString(text)).toBe('string')
        expectQuick(started, text.slice(0, 200))
      }),
      { numRuns: Math.min(runs, 200) },
    )
  })

  it('handles cycles and very deep nesting', () => {
    const cyclic: Record<string, unknown> = { a: 1 }
    cyclic.self = cyclic
    let deep: unknown = 'leaf'
    for (let i = 0; i < 100_000; i++) deep = { d: deep }
    for (const value of [cyclic, deep]) expect(() => canonicalJson(redactor.redact(value))).not.toThrow()
  })
})

describe('canonical JSON', () => {
  it('reads back as the same value and is a fixed point', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 5 }), (value) => {
        const text = canonicalJson(value)
        const back: unknown = JSON.parse(text)
        // -0 is written as 0, as RFC 8785 requires.
        expect(back).toEqual(JSON.parse(JSON.stringify(value)))
        expect(canonicalJson(back)).toBe(text)
      }),
      { numRuns: runs },
    )
  })

  it('writes the same text whatever the order of keys', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 2 })), (value) => {
        const reversed = Object.fromEntries(Object.entries(value).reverse())
        expect(canonicalJson(reversed)).toBe(canonicalJson(value))
      }),
      { numRuns: runs },
    )
  })
})
