/**
 * Property tests of the scan that lets verification skip parsing canonical
 * lines: it answers only for texts that parsing and re-serialising would
 * accept, and then with what that path gives; edited texts are never taken
 * for canonical ones.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { canonicalJson, canonicalJsonOmitting } from '../../src/audit/canonical-json.js'
import { NESTED_ARRAY, NESTED_OBJECT, scanCanonicalObject } from '../../src/audit/canonical-object-scan.js'
import { fuzzRuns, nastyString } from './fuzz-support.js'

const runs = fuzzRuns(200)
const OMIT = new Set(['hash', 'prev_hash'])

const key = fc.oneof(
  fc.constantFrom('hash', 'prev_hash', 'seq', 'a', 'é', '__proto__', '\u{1F600}', 'a"b'),
  fc.string(),
)
const leaf = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  nastyString,
  fc.double({ noNaN: true, noDefaultInfinity: true }),
)
const object = fc.dictionary(key, leaf, { maxKeys: 12 })

/** The parse-and-re-serialise path's reading of `text`, or null where it would not accept it. */
function fullPath(text: string) {
  let value: unknown
  try {
    value = JSON.parse(text)
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return null
    if (canonicalJson(value) !== text) return null
  } catch {
    return null
  }
  const record = value as Record<string, unknown>
  const keys = Object.keys(record).sort()
  const values = keys.map((k) => {
    const v = record[k]
    if (Array.isArray(v)) return NESTED_ARRAY
    return typeof v === 'object' && v !== null ? NESTED_OBJECT : v
  })
  return { keys, values, rest: canonicalJsonOmitting(record, OMIT).rest }
}

/** A small edit: a character inserted, removed or replaced, or two swapped. */
const edit = fc.record({
  at: fc.nat(),
  kind: fc.constantFrom('insert', 'remove', 'replace', 'swap'),
  char: fc.constantFrom(
    ' ',
    '"',
    '\\',
    ',',
    ':',
    '{',
    '}',
    '[',
    ']',
    '0',
    '1',
    '-',
    '.',
    'e',
    'E',
    '+',
    'u',
    'a',
    '\n',
    '\ud800',
    'n',
  ),
})

function applyEdit(text: string, e: { at: number; kind: string; char: string }): string {
  const at = e.at % (text.length + 1)
  switch (e.kind) {
    case 'insert':
      return text.slice(0, at) + e.char + text.slice(at)
    case 'remove':
      return text.slice(0, at) + text.slice(at + 1)
    case 'replace':
      return text.slice(0, at) + e.char + text.slice(at + 1)
    default:
      return text.slice(0, at) + text.charAt(at + 1) + text.charAt(at) + text.slice(at + 2)
  }
}

describe('scanCanonicalObject', () => {
  it('reads a canonical object as parsing it would', () => {
    fc.assert(
      fc.property(object, (value) => {
        const text = canonicalJson(value)
        const scan = scanCanonicalObject(text, OMIT)
        if (scan !== null) expect(scan).toEqual(fullPath(text))
      }),
      { numRuns: runs },
    )
  })

  it('never takes an edited text for canonical unless it is', () => {
    fc.assert(
      fc.property(object, fc.array(edit, { minLength: 1, maxLength: 3 }), (value, edits) => {
        const text = edits.reduce(applyEdit, canonicalJson(value))
        const scan = scanCanonicalObject(text, OMIT)
        if (scan !== null) expect(scan).toEqual(fullPath(text))
      }),
      { numRuns: runs * 5 },
    )
  })

  it('never takes a re-spaced or re-ordered text for canonical', () => {
    fc.assert(
      fc.property(object, (value) => {
        for (const text of [JSON.stringify(value, null, 1), JSON.stringify(value)]) {
          const scan = scanCanonicalObject(text, OMIT)
          if (scan !== null) expect(scan).toEqual(fullPath(text))
        }
      }),
      { numRuns: runs },
    )
  })
})
