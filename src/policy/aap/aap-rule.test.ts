import { describe, expect, it } from 'vitest'
import { ConfigError } from '../../errors/config-error.js'
import { localPrincipal } from '../../identity/principal.js'
import { parseYaml } from '../../internal/yaml-source.js'
import { PolicyEngine } from '../policy-engine.js'
import { compilePolicyFile } from '../policy-file.js'
import type { PolicyRequest } from '../policy-rule.js'

function call(action: string, args: Record<string, unknown> = {}): PolicyRequest {
  return {
    action,
    definition: undefined,
    args,
    target_id: null,
    target: undefined,
    caller: localPrincipal('agent'),
    risk_class: 'low',
    effective_risk: 'low',
    ticket_id: null,
    now: new Date(),
  }
}

function engine(yaml: string): PolicyEngine {
  return new PolicyEngine(compilePolicyFile(parseYaml('aap.yaml', yaml)).rules)
}

function loadError(yaml: string): ConfigError {
  try {
    compilePolicyFile(parseYaml('aap.yaml', yaml))
  } catch (error) {
    if (error instanceof ConfigError) return error
    throw error
  }
  throw new Error('expected a ConfigError')
}

describe('agent-action-policy files', () => {
  it('maps approve, escalate and deny (case-insensitively)', () => {
    const policy = engine(`
policies:
  - { name: a, match: { tool: read_file }, action: APPROVE, reason: ok }
  - { name: e, match: { tool: bash }, action: Escalate, reason: ask }
  - { name: d, match: { tool: rm }, action: deny, reason: no }
`)
    expect(policy.evaluate(call('read_file'))).toEqual({ decision: 'allow', reason: 'ok', rule: 'a' })
    expect(policy.evaluate(call('bash')).decision).toBe('require_approval')
    expect(policy.evaluate(call('rm')).decision).toBe('deny')
  })

  it('defaults a missing action to deny and does not fail open when nothing matches', () => {
    const policy = engine(`
policies:
  - { name: x, match: { tool: bash } }
`)
    expect(policy.evaluate(call('bash'))).toEqual({ decision: 'deny', reason: '', rule: 'x' })
    expect(policy.evaluate(call('other')).reason).toBe('No matching policy (default deny)')
  })

  it('orders by priority ascending, ties in file order', () => {
    const policy = engine(`
policies:
  - { name: late, match: { tool: bash }, action: approve, priority: 50 }
  - { name: first-tie, match: { tool: "b*" }, action: escalate, priority: 10 }
  - { name: second-tie, match: { tool: bash }, action: deny, priority: 10 }
  - { name: default-100, match: { tool: bash }, action: deny }
`)
    expect(policy.evaluate(call('bash')).rule).toBe('first-tie')
  })

  it('matches tools exactly, by glob or by unanchored ~regex', () => {
    const policy = engine(`
policies:
  - { name: regex, match: { tool: "~bash" }, action: deny }
  - { name: glob, match: { tool: "file_*" }, action: approve }
`)
    expect(policy.evaluate(call('not_bash_really')).rule).toBe('regex')
    expect(policy.evaluate(call('file_write')).rule).toBe('glob')
    expect(policy.evaluate(call('FILE_write')).rule).toBeNull()
  })

  it('searches args_pattern in the Python-style flattened arguments', () => {
    const policy = engine(`
policies:
  - { name: nested, match: { args_pattern: "a=\\\\{'k': 'v'\\\\} b=\\\\[1, 'x'\\\\] c=None d=True" }, action: deny }
  - { name: sql, match: { tool: query, args_pattern: "(?i)drop\\\\s+table" }, action: deny }
`)
    expect(policy.evaluate(call('any', { b: [1, 'x'], a: { k: 'v' }, c: null, d: true })).rule).toBe('nested')
    expect(policy.evaluate(call('query', { sql: 'DROP TABLE users' })).rule).toBe('sql')
  })

  it('normalises paths and accepts a single path pattern string', () => {
    const policy = engine(`
policies:
  - { name: etc, match: { tool: write_file, path_patterns: /etc/* }, action: deny }
`)
    for (const path of ['/tmp/../etc/passwd', '//etc/passwd', 'etc/passwd', '../../etc/passwd']) {
      expect(policy.evaluate(call('write_file', { path })).rule).toBe('etc')
    }
    expect(policy.evaluate(call('write_file', {})).rule).toBeNull()
  })

  it('indexes exact tool names as literals', () => {
    const [rule] = compilePolicyFile(
      parseYaml('aap.yaml', 'policies: [{ name: x, match: { tool: bash } }]'),
    ).rules
    expect(rule?.actions).toEqual({ kind: 'names', names: ['bash'] })
  })
})

describe('agent-action-policy load errors', () => {
  it('rejects typos that the original silently ignored', () => {
    const error = loadError(`
policies:
  - name: x
    match: { tool: bash, args_patern: rm }
`)
    expect(error.issues[0]).toMatchObject({ line: 4, field: 'policies[0].match.args_patern' })
  })

  it('rejects a missing name, a non-numeric priority, an unknown action and invalid regexes', () => {
    const error = loadError(`
policies:
  - { match: { tool: bash } }
  - { name: p, priority: "10" }
  - { name: a, action: allow }
  - { name: r, match: { tool: "~(", args_pattern: "[", path_patterns: ["~)"] } }
`)
    expect(error.issues.map((i) => i.field)).toEqual([
      'policies[0].name',
      'policies[1].priority',
      'policies[2].action',
      'policies[3].match.tool',
      'policies[3].match.args_pattern',
      'policies[3].match.path_patterns',
    ])
    expect(error.message).toContain("unknown action 'allow'")
  })

  it("needs 'policies' to be a list", () => {
    expect(loadError('policies: null').message).toContain("'policies' must be a list")
  })
})
