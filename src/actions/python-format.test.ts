import { describe, expect, it } from 'vitest'
import { pythonFloat, pythonRepr, pythonStr, pythonTypeName } from './python-format.js'

describe('pythonFloat', () => {
  it('prints integral floats with a trailing .0, as Python does for bounds', () => {
    expect(pythonFloat(0)).toBe('0.0')
    expect(pythonFloat(1)).toBe('1.0')
    expect(pythonFloat(100)).toBe('100.0')
    expect(pythonFloat(-3)).toBe('-3.0')
  })

  it('prints fractions with their shortest digits', () => {
    expect(pythonFloat(0.5)).toBe('0.5')
    expect(pythonFloat(0.1)).toBe('0.1')
    expect(pythonFloat(1234.5678)).toBe('1234.5678')
    expect(pythonFloat(0.0001)).toBe('0.0001')
  })

  it('switches to exponent form where Python does', () => {
    expect(pythonFloat(1e16)).toBe('1e+16')
    expect(pythonFloat(1.5e16)).toBe('1.5e+16')
    expect(pythonFloat(1e15)).toBe('1000000000000000.0')
    expect(pythonFloat(1e-5)).toBe('1e-05')
    expect(pythonFloat(2.5e-7)).toBe('2.5e-07')
    expect(pythonFloat(1e100)).toBe('1e+100')
  })

  it('names non-finite values as Python does', () => {
    expect(pythonFloat(Number.NaN)).toBe('nan')
    expect(pythonFloat(Number.POSITIVE_INFINITY)).toBe('inf')
    expect(pythonFloat(Number.NEGATIVE_INFINITY)).toBe('-inf')
  })
})

describe('pythonRepr and pythonStr', () => {
  it('quotes strings like Python, switching quotes around an apostrophe', () => {
    expect(pythonRepr('a')).toBe("'a'")
    expect(pythonRepr("it's")).toBe('"it\'s"')
    expect(pythonRepr('both \' and "')).toBe(`'both \\' and "'`)
    expect(pythonRepr('tab\there\n')).toBe("'tab\\there\\n'")
    expect(pythonRepr('é')).toBe("'é'")
  })

  it('prints lists, dicts, booleans and None in Python form', () => {
    expect(pythonRepr(['a', 'b'])).toBe("['a', 'b']")
    expect(pythonRepr({ k: 1, b: [true, null] })).toBe("{'k': 1, 'b': [True, None]}")
    expect(pythonRepr(1e21)).toBe('1000000000000000000000')
    expect(pythonRepr(2.5)).toBe('2.5')
  })

  it('leaves strings bare in str() and reprs everything else', () => {
    expect(pythonStr('x')).toBe('x')
    expect(pythonStr(3)).toBe('3')
    expect(pythonStr(false)).toBe('False')
    expect(pythonStr(['x'])).toBe("['x']")
  })
})

describe('pythonTypeName', () => {
  it('maps JSON values to Python type names', () => {
    expect(pythonTypeName('s')).toBe('str')
    expect(pythonTypeName(3)).toBe('int')
    expect(pythonTypeName(3.5)).toBe('float')
    expect(pythonTypeName(true)).toBe('bool')
    expect(pythonTypeName([])).toBe('list')
    expect(pythonTypeName({})).toBe('dict')
    expect(pythonTypeName(null)).toBe('NoneType')
  })
})
