import { describe, expect, it } from 'vitest'
import { canonicalJson, canonicalJsonOmitting } from './canonical-json.js'
import { NESTED_ARRAY, NESTED_OBJECT, scanCanonicalObject } from './canonical-object-scan.js'

/** What the scan must agree with: the text parses to an object whose canonical JSON is the text. */
function isCanonicalObject(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text)
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return false
    return canonicalJson(value) === text
  } catch {
    return false
  }
}

describe('scanCanonicalObject', () => {
  it('reads the top-level members of a canonical object and its text without the omitted ones', () => {
    const value = { b: 'x', a: [1, { c: null }], hash: 'h', d: { e: true }, n: -1.5e-7, z: false, q: null }
    const text = canonicalJson(value)
    const scan = scanCanonicalObject(text, new Set(['hash', 'q']))
    expect(scan?.keys).toEqual(['a', 'b', 'd', 'hash', 'n', 'q', 'z'])
    expect(scan?.values).toEqual([NESTED_ARRAY, 'x', NESTED_OBJECT, 'h', -1.5e-7, null, false])
    expect(scan?.rest).toBe(canonicalJsonOmitting(value, new Set(['hash', 'q'])).rest)
    expect(scanCanonicalObject('{}')).toEqual({ keys: [], values: [], rest: '{}' })
  })

  it('decodes strings with canonical escapes as JSON.parse does', () => {
    const value = { s: 'tab\there "quoted" back\\slash \u0001 \u001f é \u{1F600} \u2028' }
    const scan = scanCanonicalObject(canonicalJson(value))
    expect(scan?.values).toEqual([value.s])
  })

  it('answers null for every text that is not the canonical JSON of an object', () => {
    for (const text of [
      '{"b":1,"a":2}',
      '{"a":1,"a":1}',
      '{"a":1 }',
      '{ "a":1}',
      '{"a":1.0}',
      '{"a":1E3}',
      '{"a":-0}',
      '{"a":01}',
      '{"a":1e400}',
      '{"a":"\\/"}',
      '{"a":"\\u0041"}',
      '{"a":"\\u000A"}',
      '{"a":"\\u000a"}',
      '{"a":"\\u001F"}',
      '{"a":"\u0001"}',
      '{"a":{"d":1,"c":2}}',
      '{"a":[1, 2]}',
      '{"a":tru}',
      '{"a":nulll}',
      '{"a":1}x',
      '{"a":1',
      '[1]',
      '"a"',
      '',
    ]) {
      expect(isCanonicalObject(text), text).toBe(false)
      expect(scanCanonicalObject(text), text).toBeNull()
    }
  })

  it('agrees with parse and re-serialise for every UTF-16 code unit, raw or escaped', () => {
    const hex = (c: number) => c.toString(16).padStart(4, '0')
    for (let c = 0; c <= 0xffff; c++) {
      const raw = String.fromCharCode(c)
      for (const form of [raw, `\\u${hex(c)}`, `\\u${hex(c).toUpperCase()}`, `\\${raw}`]) {
        const text = `{"a":"${form}"}`
        if (scanCanonicalObject(text) !== null) expect(isCanonicalObject(text), text).toBe(true)
      }
      // Every canonical string but a lone surrogate is read.
      const canonical = canonicalJson({ a: raw })
      if (c < 0xd800 || c > 0xdfff) expect(scanCanonicalObject(canonical)?.values, canonical).toEqual([raw])
    }
  })

  it('agrees with parse and re-serialise on numbers however they are written', () => {
    const numbers = [
      0, 1, -1, 0.1, 1e21, 1e-7, 123456789012345680000, 5e-324, 1.7976931348623157e308, 0.30000000000000004,
    ]
    for (const n of numbers) {
      for (const token of [
        String(n),
        n.toExponential(),
        n.toFixed(2),
        `${n}.0`,
        `0${n}`,
        `${n}E0`,
        `-${n}`,
      ]) {
        const text = `{"n":${token}}`
        const scan = scanCanonicalObject(text)
        expect(scan !== null, text).toBe(isCanonicalObject(text))
        if (scan !== null) expect(scan.values).toEqual([JSON.parse(token)])
      }
    }
  })

  it('leaves deep nesting to the full path', () => {
    const deep = `{"a":${'['.repeat(100)}${']'.repeat(100)}}`
    expect(scanCanonicalObject(deep)).toBeNull()
    const shallow = `{"a":${'['.repeat(10)}${']'.repeat(10)}}`
    expect(scanCanonicalObject(shallow)?.values).toEqual([NESTED_ARRAY])
  })
})
