import { describe, expect, it } from 'vitest'
import { parseByteSize } from './parse-byte-size.js'
import { parseDuration } from './parse-duration.js'

describe('parseDuration', () => {
  it('reads every unit and run-together parts', () => {
    expect(parseDuration('500ms')).toBe(500)
    expect(parseDuration('30s')).toBe(30_000)
    expect(parseDuration('5m')).toBe(300_000)
    expect(parseDuration('24h')).toBe(86_400_000)
    expect(parseDuration('7d')).toBe(604_800_000)
    expect(parseDuration('1h30m')).toBe(5_400_000)
  })

  it('refuses bare numbers, decimals, unknown units and spaces inside', () => {
    for (const text of ['30', '1.5h', '10w', '5 m', '', 'h', '-5s'])
      expect(parseDuration(text)).toBeUndefined()
  })
})

describe('parseByteSize', () => {
  it('reads b, kb, mb and gb as powers of 1024, in any case', () => {
    expect(parseByteSize('512b')).toBe(512)
    expect(parseByteSize('64kb')).toBe(65_536)
    expect(parseByteSize('1MB')).toBe(1_048_576)
    expect(parseByteSize('2gb')).toBe(2 * 1024 ** 3)
  })

  it('refuses a size without a unit', () => {
    expect(parseByteSize('1024')).toBeUndefined()
    expect(parseByteSize('1.5mb')).toBeUndefined()
  })
})
