import { describe, expect, it } from 'vitest'
import { parsePythonFloat } from './python-float.js'

describe('parsePythonFloat', () => {
  it.each([
    ['4000', 4000],
    ['  250.5 ', 250.5],
    ['1e3', 1000],
    ['1_000', 1000],
    ['1_000.5_5', 1000.55],
    ['.5', 0.5],
    ['5.', 5],
    ['-3', -3],
    ['+2E-2', 0.02],
    ['\u3000 7 \n', 7],
  ])('reads %j as %d, as Python float() does', (text, expected) => {
    expect(parsePythonFloat(text)).toBe(expected)
  })

  it.each([
    '',
    '   ',
    '0x1F4',
    '1__0',
    '_1',
    '1_',
    '1_.5',
    '1._5',
    '.',
    'e5',
    '1e',
    '12abc',
    'Infinityx',
    '\ufeff1',
    '١٢٣',
  ])('rejects %j, which Python float() rejects too (or which we refuse to guess at)', (text) => {
    expect(parsePythonFloat(text)).toBeNull()
  })

  it('recognises inf, infinity and nan in any case and with a sign', () => {
    expect(parsePythonFloat('inf')).toBe(Number.POSITIVE_INFINITY)
    expect(parsePythonFloat(' -Infinity ')).toBe(Number.NEGATIVE_INFINITY)
    expect(parsePythonFloat('NaN')).toBeNaN()
    expect(parsePythonFloat('-nan')).toBeNaN()
  })
})
