import { describe, expect, it } from 'vitest'
import { compileGlob, isGlobPattern } from './glob.js'

const matches = (pattern: string, value: string) => compileGlob(pattern)(value)

describe('compileGlob', () => {
  it('matches the whole string only', () => {
    expect(matches('get-*', 'get-pod')).toBe(true)
    expect(matches('get', 'get-pod')).toBe(false)
    expect(matches('pod', 'get-pod')).toBe(false)
  })

  it('lets * cross path separators', () => {
    expect(matches('/etc/*', '/etc/ssh/sshd_config')).toBe(true)
    expect(matches('/etc/*', '/etc')).toBe(false)
    expect(matches('*', '')).toBe(true)
  })

  it('supports ? and character classes', () => {
    expect(matches('pod-?', 'pod-1')).toBe(true)
    expect(matches('pod-?', 'pod-12')).toBe(false)
    expect(matches('pod-[0-9]', 'pod-7')).toBe(true)
    expect(matches('pod-[0-9]', 'pod-x')).toBe(false)
    expect(matches('pod-[!0-9]', 'pod-x')).toBe(true)
    expect(matches('pod-[!0-9]', 'pod-7')).toBe(false)
    expect(matches('[]]', ']')).toBe(true)
    expect(matches('[!]]', 'a')).toBe(true)
    expect(matches('[a-]', '-')).toBe(true)
  })

  it('treats an unterminated bracket as a literal', () => {
    expect(matches('a[b', 'a[b')).toBe(true)
    expect(matches('a[!', 'a[!')).toBe(true)
  })

  it('never matches an inverted range, and its negation matches anything', () => {
    expect(matches('[z-a]', 'm')).toBe(false)
    expect(matches('[!z-a]', 'm')).toBe(true)
  })

  it('is case-sensitive and has no ** or braces', () => {
    expect(matches('FILE_*', 'file_write')).toBe(false)
    expect(matches('{a,b}', 'a')).toBe(false)
    expect(matches('{a,b}', '{a,b}')).toBe(true)
    expect(matches('**/x', 'a/b/x')).toBe(true)
    expect(matches('**/x', 'x')).toBe(false)
  })

  it('backtracks across several stars', () => {
    expect(matches('*a*b*c', 'xxaxxbxxbxc')).toBe(true)
    expect(matches('*a*b*c', 'xxaxxbxxbx')).toBe(false)
  })

  it('counts a character outside the BMP as one', () => {
    expect(matches('?', '😀')).toBe(true)
  })

  // A backtracking engine would run for minutes here; the test's budget
  // catches that without timing a machine that may be busy.
  it('stays fast on pathological patterns', { timeout: 20_000 }, () => {
    expect(matches(`${'*a'.repeat(50)}b`, 'a'.repeat(5000))).toBe(false)
  })

  it('recognises glob metacharacters', () => {
    expect(isGlobPattern('a*')).toBe(true)
    expect(isGlobPattern('a[1]')).toBe(true)
    expect(isGlobPattern('plain-name')).toBe(false)
  })
})
