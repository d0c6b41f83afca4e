import { describe, expect, it } from 'vitest'
import type { PolicyRequest } from '../policy-rule.js'
import { isReadOnlyTool, STRICT_DENY_PRIORITY, strict } from './strict.js'

function evaluate(action: string) {
  const request = { action, args: {}, now: new Date(0) } as unknown as PolicyRequest
  const rules = [...strict()].sort((a, b) => b.priority - a.priority)
  for (const rule of rules) {
    if (rule.actions.kind === 'test' && !rule.actions.test(action)) continue
    const verdict = rule.evaluate(request)
    if (verdict) return verdict
  }
  return null
}

describe('strict', () => {
  it.each([
    'read',
    'read_file',
    'Read',
    'search',
    'grep',
    'Grep',
    'glob',
    'list',
    'list_files',
    'ls',
    'LS',
    'cat',
    'head',
    'tail',
    'find',
    'find_symbol',
    'readFile',
    'list-directory',
  ])('allows the read-only tool %s', (tool) => {
    expect(evaluate(tool)).toMatchObject({ decision: 'allow', rule: 'allow-read-only' })
  })

  it.each([
    'send_emails',
    'delete_catalog',
    'overwrite_readme',
    'thread_delete',
    'write_headers',
    'delete_all_tools',
    'find_and_replace',
    'list_and_delete_users',
    'read_then_write',
    'readme',
    'catalog',
    'bash',
    'read file',
    'read_file;rm',
    '',
  ])('denies %j', (tool) => {
    expect(evaluate(tool)).toMatchObject({ decision: 'deny', rule: 'deny-everything-else' })
  })

  it('denies by itself, without relying on the engine default', () => {
    const catchAll = strict().find((r) => r.name === 'deny-everything-else')
    expect(catchAll?.priority).toBe(STRICT_DENY_PRIORITY)
    expect(catchAll?.actions).toEqual({ kind: 'any' })
  })

  it('matches whole words only', () => {
    expect(isReadOnlyTool('listen')).toBe(false)
    expect(isReadOnlyTool('heads_up')).toBe(false)
  })
})
