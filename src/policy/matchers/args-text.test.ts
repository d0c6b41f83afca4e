import { describe, expect, it } from 'vitest'
import { flattenArgs, pythonFloatRepr, pythonStr, pythonStringRepr } from './args-text.js'

describe('flattenArgs', () => {
  it('renders a dict like agent-action-policy does', () => {
    expect(flattenArgs({ b: [1, 'x'], a: { k: 'v' }, c: null, d: true })).toBe(
      "a={'k': 'v'} b=[1, 'x'] c=None d=True",
    )
  })

  it('uses a string as is and gives null for no arguments', () => {
    expect(flattenArgs('rm -rf /')).toBe('rm -rf /')
    expect(flattenArgs(null)).toBeNull()
    expect(flattenArgs(undefined)).toBeNull()
  })

  it('sorts keys and leaves top-level string values unquoted', () => {
    expect(flattenArgs({ command: 'git push --force', cwd: '/repo' })).toBe(
      'command=git push --force cwd=/repo',
    )
    expect(flattenArgs({})).toBe('')
  })

  it('renders numbers as Python ints or floats', () => {
    expect(flattenArgs({ n: 3, f: 0.5, e: 1e-5, big: 1e16 + 2 })).toBe(
      'big=10000000000000002 e=1e-05 f=0.5 n=3',
    )
  })
})

describe('Python renderings', () => {
  it('formats floats like repr()', () => {
    expect(pythonFloatRepr(1)).toBe('1.0')
    expect(pythonFloatRepr(0.1)).toBe('0.1')
    expect(pythonFloatRepr(1e16)).toBe('1e+16')
    expect(pythonFloatRepr(1.5e-7)).toBe('1.5e-07')
    expect(pythonFloatRepr(123456.789)).toBe('123456.789')
    expect(pythonFloatRepr(Number.POSITIVE_INFINITY)).toBe('inf')
    expect(pythonFloatRepr(Number.NaN)).toBe('nan')
  })

  it('quotes strings like repr()', () => {
    expect(pythonStringRepr('plain')).toBe("'plain'")
    expect(pythonStringRepr("it's")).toBe('"it\'s"')
    expect(pythonStringRepr('both \' and "')).toBe("'both \\' and \"'")
    expect(pythonStringRepr('a\nb\\c\u0001')).toBe("'a\\nb\\\\c\\x01'")
    expect(pythonStringRepr('café')).toBe("'café'")
  })

  it('nests containers with repr of members', () => {
    expect(pythonStr({ a: [true, null, 'x', { y: 2.5 }], b: [] })).toBe(
      "{'a': [True, None, 'x', {'y': 2.5}], 'b': []}",
    )
  })
})
