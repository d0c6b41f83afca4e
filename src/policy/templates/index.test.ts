import { describe, expect, it } from 'vitest'
import { AirlockError } from '../../errors/airlock-error.js'
import { fromAapPriority, policyTemplate, policyTemplates } from './index.js'

describe('policy templates', () => {
  it('offers the four built-in templates by name', () => {
    expect(Object.keys(policyTemplates).sort()).toEqual([
      'safe_browsing',
      'safe_coding',
      'safe_database',
      'strict',
    ])
    expect(policyTemplate('safe_coding').map((r) => r.name)).toContain('no-force-push-main')
  })

  it('returns fresh rule arrays, so one caller cannot change another caller’s template', () => {
    const first = policyTemplate('strict')
    first.pop()
    expect(policyTemplate('strict')).toHaveLength(2)
  })

  it('rejects an unknown template and lists the available ones', () => {
    expect(() => policyTemplate('../safe_coding')).toThrow(
      'Unknown policy template "../safe_coding". Available: safe_coding, safe_browsing, safe_database, strict',
    )
    let thrown: unknown
    try {
      policyTemplate('permissive')
    } catch (error) {
      thrown = error
    }
    // Asserted outside the catch, so the test fails when nothing is thrown.
    expect(AirlockError.isInstance(thrown) && thrown.code).toBe('CONFIG_INVALID')
  })

  it('does not resolve inherited object keys as templates', () => {
    expect(() => policyTemplate('toString')).toThrow(AirlockError)
  })

  it('maps original priorities (lower first) to native ones (higher first)', () => {
    expect([5, 10, 20, 50, 100].map(fromAapPriority)).toEqual([95, 90, 80, 50, 0])
  })

  it('gives every rule a unique name within its template', () => {
    for (const make of Object.values(policyTemplates)) {
      const names = make().map((r) => r.name)
      expect(new Set(names).size).toBe(names.length)
    }
  })
})
