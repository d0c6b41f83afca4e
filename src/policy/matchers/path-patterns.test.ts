import { describe, expect, it } from 'vitest'
import { compilePathPatterns } from './path-patterns.js'

function patterns(list: string[]) {
  const result = compilePathPatterns(list)
  if (!result.ok) throw new Error(result.message)
  return result.test
}

describe('compilePathPatterns', () => {
  const etc = patterns(['/etc/*'])

  it('normalises paths before matching', () => {
    for (const path of [
      '/etc/passwd',
      '/tmp/../etc/passwd',
      '//etc//passwd',
      'etc/passwd',
      '../../etc/passwd',
      './etc/./passwd',
    ]) {
      expect(etc({ path }, 'any')).toBe(true)
    }
    expect(etc({ path: '/etcetera/x' }, 'any')).toBe(false)
  })

  it('does not match when the arguments name no path', () => {
    expect(etc({ content: '/etc/passwd' }, 'any')).toBe(false)
  })

  it('looks at every path key, not just the first', () => {
    expect(etc({ path: '/tmp/x', file_path: '/etc/shadow' }, 'any')).toBe(true)
  })

  it('requires every path to match for allow rules', () => {
    const workspace = patterns(['/workspace/*'])
    expect(workspace({ path: '/workspace/a', file_path: '/etc/shadow' }, 'all')).toBe(false)
    expect(workspace({ path: '/workspace/a', file_path: '/workspace/b' }, 'all')).toBe(true)
  })

  it('normalises relative glob patterns the same way', () => {
    const src = patterns(['src/*'])
    expect(src({ path: 'src/index.ts' }, 'any')).toBe(true)
    expect(src({ path: './src/../src/a.ts' }, 'any')).toBe(true)
  })

  it('searches with ~regex patterns', () => {
    const secrets = patterns(['~\\.env$', '~\\.ssh/'])
    expect(secrets({ file_path: '/home/u/project/.env' }, 'any')).toBe(true)
    expect(secrets({ file_path: '/home/u/.ssh/id_rsa' }, 'any')).toBe(true)
    expect(secrets({ file_path: '/home/u/notes.txt' }, 'any')).toBe(false)
  })
})
