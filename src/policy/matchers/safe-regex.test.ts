import { describe, expect, it } from 'vitest'
import { compileRegex } from './safe-regex.js'

function compiled(pattern: string) {
  const result = compileRegex(pattern)
  if (!result.ok) throw new Error(result.message)
  return result.test
}

describe('compileRegex', () => {
  it('searches anywhere in the input, unanchored', () => {
    expect(compiled('bash')('not_bash_really')).toBe(true)
    expect(compiled('^bash$')('not_bash_really')).toBe(false)
  })

  it('honours a leading Python (?i) flag', () => {
    expect(compiled('(?i)drop\\s+table')('DROP TABLE users')).toBe(true)
    expect(compiled('drop\\s+table')('DROP TABLE users')).toBe(false)
  })

  it('drops ASCII/Unicode flags RE2 does not need', () => {
    expect(compiled('(?ai)abc')('xABC')).toBe(true)
  })

  it("translates Python's \\Z to end of input", () => {
    expect(compiled('\\.env\\Z')('/app/.env')).toBe(true)
    expect(compiled('\\.env\\Z')('/app/.env.bak')).toBe(false)
  })

  it('reports an invalid pattern instead of throwing', () => {
    const result = compileRegex('rm(')
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.message).toContain("invalid regex 'rm('")
  })

  it('rejects lookaround and the verbose flag at compile time', () => {
    expect(compileRegex('SET(?!.*WHERE)').ok).toBe(false)
    expect(compileRegex('(?x) a b').ok).toBe(false)
  })

  // A backtracking engine would run for minutes here; the test's budget
  // catches that without timing a machine that may be busy.
  it('runs a classic ReDoS pattern in linear time', { timeout: 20_000 }, () => {
    const test = compiled('(a+)+$')
    const input = `${'a'.repeat(200_000)}!`
    expect(test(input)).toBe(false)
  })
})
