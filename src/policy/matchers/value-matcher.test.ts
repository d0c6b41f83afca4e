import { describe, expect, it } from 'vitest'
import { compileValueMatcher, type ValueMatcherSpec } from './value-matcher.js'

function matcher(spec: ValueMatcherSpec | ValueMatcherSpec[]) {
  const result = compileValueMatcher(spec)
  if (!result.ok) throw new Error(result.message)
  return result.test
}

describe('compileValueMatcher', () => {
  it('compares literals exactly and by type', () => {
    expect(matcher('web')('web', 'any')).toBe(true)
    expect(matcher('web')('web-2', 'any')).toBe(false)
    expect(matcher(3)(3, 'any')).toBe(true)
    expect(matcher(3)('3', 'any')).toBe(false)
    expect(matcher(true)(true, 'any')).toBe(true)
    expect(matcher(null)(null, 'any')).toBe(true)
  })

  it('reads glob characters and ~ as patterns', () => {
    expect(matcher('kube-*')('kube-system', 'any')).toBe(true)
    expect(matcher('~^registry\\.internal/')('registry.internal/app:1', 'any')).toBe(true)
    expect(matcher('~^registry\\.internal/')('docker.io/app', 'any')).toBe(false)
  })

  it('tests patterns against the JSON text of non-strings', () => {
    expect(matcher('~^[0-9]{3,}$')(500, 'any')).toBe(true)
    expect(matcher('~^[0-9]{3,}$')(50, 'any')).toBe(false)
  })

  it('never matches a missing argument', () => {
    expect(matcher('*')(undefined, 'any')).toBe(false)
  })

  it('accepts any of a list of matchers', () => {
    const test = matcher(['default', 'web-*'])
    expect(test('web-1', 'any')).toBe(true)
    expect(test('kube-system', 'any')).toBe(false)
  })

  it('matches arrays element-wise by quantifier', () => {
    const test = matcher('safe-*')
    expect(test(['safe-1', 'evil'], 'any')).toBe(true)
    expect(test(['safe-1', 'evil'], 'all')).toBe(false)
    expect(test(['safe-1', 'safe-2'], 'all')).toBe(true)
    expect(test([], 'any')).toBe(false)
  })

  it('reports an invalid regex', () => {
    expect(compileValueMatcher(['ok', '~(bad']).ok).toBe(false)
  })
})
