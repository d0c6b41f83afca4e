import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { secretEqual } from './secret-equal.js'

const digest = (text: string) => createHash('sha256').update(text).digest()

describe('secretEqual', () => {
  it('matches equal digests and refuses digests that differ in one byte', () => {
    const a = digest('key')
    const b = Buffer.from(a)
    b[31] = (b[31] ?? 0) ^ 1
    expect(secretEqual(a, digest('key'))).toBe(true)
    expect(secretEqual(a, b)).toBe(false)
  })

  it('refuses byte arrays of different lengths, even when one is a prefix of the other', () => {
    const a = digest('key')
    expect(secretEqual(a, a.subarray(0, 16))).toBe(false)
    expect(secretEqual(new Uint8Array(0), a)).toBe(false)
  })

  it('compares strings as their UTF-8 bytes, including against bytes', () => {
    expect(secretEqual('tökén', 'tökén')).toBe(true)
    expect(secretEqual('token', 'token ')).toBe(false)
    expect(secretEqual('tökén', Buffer.from('tökén', 'utf8'))).toBe(true)
  })
})
