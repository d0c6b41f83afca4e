import { describe, expect, it } from 'vitest'
import { extractPaths, normalizePath } from './path.js'

describe('normalizePath', () => {
  it.each([
    ['/tmp/../etc/passwd', '/etc/passwd'],
    ['//etc//passwd', '/etc/passwd'],
    ['/etc/./ssh/sshd_config', '/etc/ssh/sshd_config'],
    ['/../../etc/shadow', '/etc/shadow'],
    ['/a/b/../../../usr/bin', '/usr/bin'],
    ['/home/me/project/src/index.ts', '/home/me/project/src/index.ts'],
  ])('resolves %s to %s', (input, expected) => {
    expect(normalizePath(input)).toBe(expected)
  })

  it.each([
    ['etc/passwd', '/etc/passwd'],
    ['../../etc/passwd', '/etc/passwd'],
    ['./etc/hosts', '/etc/hosts'],
    ['.env', '/.env'],
  ])('resolves relative %s against the root so it cannot escape a deny', (input, expected) => {
    expect(normalizePath(input)).toBe(expected)
  })

  it('keeps a trailing slash so a directory still matches /dir/*', () => {
    expect(normalizePath('/etc/')).toBe('/etc/')
    expect(normalizePath('/etc//')).toBe('/etc/')
  })

  it('turns the empty path and the root into /', () => {
    expect(normalizePath('')).toBe('/')
    expect(normalizePath('/')).toBe('/')
    expect(normalizePath('/..')).toBe('/')
  })
})

describe('extractPaths', () => {
  it('treats a string as the path itself', () => {
    expect(extractPaths('/etc/passwd')).toEqual(['/etc/passwd'])
  })

  it('reads every path key present, not just the first', () => {
    const paths = extractPaths({ path: '/tmp/ok.txt', file_path: '/etc/passwd', content: 'x' })
    expect(paths).toEqual(['/tmp/ok.txt', '/etc/passwd'])
  })

  it('accepts the five classic keys', () => {
    const paths = extractPaths({ path: 'a', file_path: 'b', filename: 'c', file: 'd', filepath: 'e' })
    expect(paths.sort()).toEqual(['a', 'b', 'c', 'd', 'e'])
  })

  it('matches key spellings regardless of case and separators', () => {
    expect(extractPaths({ filePath: '/etc/a', FILE_PATH: '/etc/b', 'file-name': '/etc/c' }).sort()).toEqual([
      '/etc/a',
      '/etc/b',
      '/etc/c',
    ])
  })

  it('expands list-valued paths', () => {
    expect(extractPaths({ paths: ['/tmp/a', '/etc/shadow'], file: ['/usr/x'] })).toEqual([
      '/tmp/a',
      '/etc/shadow',
      '/usr/x',
    ])
  })

  it('ignores keys that do not name a path', () => {
    expect(extractPaths({ command: 'cat /etc/passwd', url: 'file:///etc/passwd' })).toEqual([])
  })

  it('yields nothing for null, numbers and booleans', () => {
    expect(extractPaths(null)).toEqual([])
    expect(extractPaths(undefined)).toEqual([])
    expect(extractPaths(42)).toEqual([])
    expect(extractPaths(true)).toEqual([])
  })
})
