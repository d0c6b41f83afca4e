import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { canonicalJson } from './canonical-json.js'
import { findMembers, MemberSpans } from './canonical-members.js'

/** What the walk must agree with: the text parses to an object whose canonical JSON is the text. */
function isCanonicalObject(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text)
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return false
    return canonicalJson(value) === text
  } catch {
    return false
  }
}

/** The members found in `text`, as key and value texts; null when the walk says no. */
function members(text: string, spans = new MemberSpans()): [string, string][] | null {
  // Bytes after the text belong to something else: the walk must not read them.
  const bytes = Buffer.from(`${text}}]"0`)
  if (!findMembers(bytes, 0, Buffer.byteLength(text), spans)) return null
  return Array.from({ length: spans.count }, (_, n) => [
    bytes.toString('utf8', spans.keyStart[n], spans.keyEnd[n]),
    bytes.toString('utf8', spans.valueStart[n], spans.valueEnd[n]),
  ])
}

// One walker state for every check: what a walk remembers of the last must never change an answer.
const shared = new MemberSpans()

/** Checks the walk's answer for `text`: only canonical texts, and then their members exactly. */
function agrees(text: string): boolean {
  const found = members(text, shared)
  if (found === null) return false
  expect(isCanonicalObject(text), text).toBe(true)
  const parsed = JSON.parse(text) as Record<string, unknown>
  expect(found.map(([key]) => key)).toEqual(Object.keys(parsed).sort())
  for (const [key, value] of found) expect(JSON.parse(value), key).toEqual(parsed[key])
  return true
}

describe('findMembers', () => {
  it('finds each member of a canonical object, nested values and all', () => {
    const value = {
      b: 'x "q" \\ \n é \u{1F600}',
      a: [1, { c: null, d: [] }],
      d: { e: true },
      n: -17,
      z: false,
    }
    expect(members(canonicalJson(value))).toEqual([
      ['a', '[1,{"c":null,"d":[]}]'],
      ['b', JSON.stringify(value.b)],
      ['d', '{"e":true}'],
      ['n', '-17'],
      ['z', 'false'],
    ])
    expect(members('{}')).toEqual([])
  })

  it('says no to every text that is not the canonical JSON of an object', () => {
    for (const text of [
      '{"b":1,"a":2}',
      '{"a":1,"a":1}',
      '{"a":1 }',
      '{ "a":1}',
      '{"a":1.0}',
      '{"a":1E3}',
      '{"a":-0}',
      '{"a":01}',
      '{"a":"\\/"}',
      '{"a":"\\u0041"}',
      '{"a":"\\u000A"}',
      '{"a":"\\u000a"}',
      '{"a":"\\u001F"}',
      '{"a":"\u0001"}',
      '{"a":{"d":1,"c":2}}',
      '{"a":{"c":1,"c":2}}',
      '{"a":[1, 2]}',
      '{"a":[1,]}',
      '{"a":{"c":}}',
      '{"a":tru}',
      '{"a":nulll}',
      '{"a":"x}',
      '{"a":1}x',
      '{"a":1',
      '{"a":[1',
      '{"a":{"b":1',
      '{"a":"\\',
      '{"a":"\\u00',
      '[1]',
      '"a"',
      '',
    ]) {
      expect(isCanonicalObject(text), text).toBe(false)
      expect(members(text), text).toBeNull()
    }
  })

  it('agrees with parse and re-serialise for every UTF-16 code unit, raw or escaped', () => {
    const hex = (c: number) => c.toString(16).padStart(4, '0')
    const wrong: string[] = []
    const spans = new MemberSpans()
    const found = (text: string) => {
      const bytes = Buffer.from(text)
      return findMembers(bytes, 0, bytes.length, spans)
    }
    for (let c = 0; c <= 0xffff; c++) {
      // A lone surrogate has no UTF-8 bytes: such texts never reach the walk.
      if (c >= 0xd800 && c <= 0xdfff) continue
      const raw = String.fromCharCode(c)
      for (const form of [raw, `\\u${hex(c)}`, `\\u${hex(c).toUpperCase()}`, `\\${raw}`]) {
        const text = `{"a":"${form}"}`
        if (found(text) && !isCanonicalObject(text)) wrong.push(text)
      }
      const canonical = canonicalJson({ a: raw })
      if (!found(canonical) || spans.valueEnd[0]! - spans.valueStart[0]! !== Buffer.byteLength(canonical) - 6)
        wrong.push(canonical)
    }
    expect(wrong).toEqual([])
  })

  it('reads numbers only as String(n) writes them', () => {
    const numbers = [0, 1, -1, 0.1, 41.5, 1e21, 1e-7, 123456789012345680000, 5e-324, 1.7976931348623157e308]
    const tokens = numbers.flatMap((n) => [
      String(n),
      n.toExponential(),
      n.toFixed(2),
      `${n}.0`,
      `0${n}`,
      `${n}E0`,
      `-${n}`,
    ])
    tokens.push('999999999999999', '9007199254740993', '-0', '01', '1E3', '1e+21', '1.', '.5', '1e', '--1')
    tokens.push(
      '-0.5',
      '0.5',
      '0.50',
      '0.0',
      '-0.0',
      '1.',
      '41.5',
      '0.000001',
      '0.0000001',
      '0.1234567890123456',
    )
    tokens.push(
      '123456789.123456',
      '12345678.1234567',
      '1234567890123456',
      '0.30000000000000004',
      '100',
      '1.10',
    )
    // Over 15 significant digits: a shorter text may read back as the same number.
    tokens.push('1.0000000000000001', '12345678.123456789', '0.10000000000000001', '9007199254740993.5')
    for (const token of tokens) {
      const text = `{"n":${token}}`
      expect(members(text) !== null, text).toBe(isCanonicalObject(text))
    }
    expect(members('{"n":-42.5}')).toEqual([['n', '-42.5']])
  })

  it('agrees with parse and re-serialise on any number and any run of number characters', () => {
    const decimal = fc
      .array(fc.constantFrom('0', '1', '5', '9', '.', '-', 'e', '+'), { minLength: 1, maxLength: 20 })
      .map((chars) => chars.join(''))
    const token = fc.oneof(
      fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
      fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => n.toFixed(3)),
      decimal,
    )
    fc.assert(
      fc.property(token, (t) => {
        const text = `{"n":${t}}`
        expect(members(text, shared) !== null, text).toBe(isCanonicalObject(text))
      }),
      { numRuns: 3000 },
    )
  })

  it('leaves deep nesting and keys beyond plain ASCII to the full path', () => {
    expect(members(`{"a":${'['.repeat(100)}${']'.repeat(100)}}`)).toBeNull()
    expect(members(`{"a":${'['.repeat(10)}${']'.repeat(10)}}`)).toEqual([
      ['a', `${'['.repeat(10)}${']'.repeat(10)}`],
    ])
    expect(members(canonicalJson({ é: 1 }))).toBeNull()
    expect(members(canonicalJson({ a: { é: 1 } }))).toBeNull()
  })

  it('answers only for canonical texts, whatever edits are made to one', () => {
    const json = fc.jsonValue({ maxDepth: 3 })
    fc.assert(
      fc.property(
        fc.dictionary(fc.string(), json),
        fc.nat(),
        fc.integer({ min: 0, max: 127 }),
        (value, at, byte) => {
          const text = canonicalJson(value)
          agrees(text)
          const i = at % (text.length + 1)
          agrees(text.slice(0, i) + String.fromCharCode(byte) + text.slice(i))
          agrees(text.slice(0, i) + text.slice(i + 1))
        },
      ),
      { numRuns: 2000 },
    )
  })

  it('checks the order of keys a shorter object in between left unseen', () => {
    const spans = new MemberSpans()
    expect(members('{"a":1,"b":2,"c":3}', spans)).not.toBeNull()
    expect(members('{"a":1,"d":2}', spans)).not.toBeNull()
    expect(members('{"a":1,"d":2,"c":3}', spans)).toBeNull()
  })

  it('names keys anew when a later object in the same buffer has others in the same places', () => {
    const spans = new MemberSpans()
    const bytes = Buffer.from('{"action":1,"z":2}')
    expect(findMembers(bytes, 0, bytes.length, spans)).toBe(true)
    expect(spans.names).toEqual(['action', 'z'])
    const version = spans.version
    expect(findMembers(bytes, 0, bytes.length, spans)).toBe(true)
    expect(spans.version).toBe(version)
    bytes.write('b', 2)
    expect(findMembers(bytes, 0, bytes.length, spans)).toBe(true)
    expect(spans.names).toEqual(['bction', 'z'])
    expect(spans.version).not.toBe(version)
  })
})
