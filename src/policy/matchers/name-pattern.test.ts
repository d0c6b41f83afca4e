import { describe, expect, it } from 'vitest'
import { compileNamePattern } from './name-pattern.js'

function test(pattern: string, value: string): boolean {
  const result = compileNamePattern(pattern)
  if (!result.ok) throw new Error(result.message)
  return result.test(value)
}

describe('compileNamePattern', () => {
  it('reads ~ as an unanchored regex search', () => {
    expect(test('~bash', 'not_bash_really')).toBe(true)
    expect(test('~^(read|cat)$', 'read_file')).toBe(false)
  })

  it('reads *, ? and [ as a whole-string glob', () => {
    expect(test('file_*', 'file_write')).toBe(true)
    expect(test('FILE_*', 'file_write')).toBe(false)
    expect(test('tool_?', 'tool_ab')).toBe(false)
  })

  it('compares anything else exactly and exposes it as a literal', () => {
    expect(test('bash', 'bash')).toBe(true)
    expect(test('bash', 'Bash')).toBe(false)
    const result = compileNamePattern('bash')
    expect(result.ok && result.literal).toBe('bash')
  })

  it('reports an invalid regex at compile time', () => {
    const result = compileNamePattern('~(unclosed')
    expect(result.ok).toBe(false)
  })
})
