import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ConfigError } from '../errors/config-error.js'
import { localPrincipal } from '../identity/principal.js'
import { loadPolicies, parsePolicies } from './load-policies.js'
import { PolicyEngine } from './policy-engine.js'
import type { PolicyRequest } from './policy-rule.js'

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

async function configError(promise: Promise<unknown>): Promise<ConfigError> {
  try {
    await promise
  } catch (error) {
    if (error instanceof ConfigError) return error
    throw error
  }
  throw new Error('expected a ConfigError')
}

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'airlock-policies-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function folder(name: string, files: Record<string, string>): Promise<string> {
  const path = join(dir, name)
  await mkdir(path)
  for (const [file, text] of Object.entries(files)) await writeFile(join(path, file), text)
  return path
}

describe('loadPolicies', () => {
  it('loads a directory in sorted file order and places agent-action-policy files at priority 0', async () => {
    const path = await folder('mixed', {
      'b-aap.yaml': `
policies:
  - { name: aap-late, match: { tool: bash }, action: approve, priority: 200 }
  - { name: aap-early, match: { tool: bash }, action: escalate, priority: 1 }
`,
      'a-native.yml': `
rules:
  - { name: high, priority: 10, match: { actions: [deploy] }, decision: deny, reason: r }
  - { name: zero-first, match: { actions: [bash], args: { command: ls } }, decision: allow, reason: r }
  - { name: negative, priority: -5, match: {}, decision: allow, reason: r }
`,
      'c-native.yaml': `
rules:
  - { name: zero-later, match: { actions: [bash] }, decision: deny, reason: r }
`,
      'notes.txt': 'ignored',
    })
    const loaded = await loadPolicies([path])
    expect(loaded.sources.map((s) => s.slice(path.length + 1))).toEqual([
      'a-native.yml',
      'b-aap.yaml',
      'c-native.yaml',
    ])
    const engine = new PolicyEngine(loaded.rules, loaded)
    expect(engine.rules.map((r) => r.name)).toEqual([
      'high',
      'zero-first',
      'aap-early',
      'aap-late',
      'zero-later',
      'negative',
    ])
    expect(engine.evaluate(call('bash', { command: 'ls' })).rule).toBe('zero-first')
    expect(engine.evaluate(call('bash', { command: 'rm' })).rule).toBe('aap-early')
    expect(engine.evaluate(call('other')).rule).toBe('negative')
  })

  it('resolves extends through the built-in templates, once per template', async () => {
    const path = await folder('extends', {
      'a.yaml': 'extends: [safe_coding]\nrules: []\n',
      'b.yaml': `
extends: [safe_coding]
rules:
  - { name: allow-bash, match: { actions: [bash] }, decision: allow, reason: ok }
`,
    })
    const loaded = await loadPolicies([path])
    const engine = new PolicyEngine(loaded.rules)
    expect(engine.evaluate(call('bash', { command: 'git push --force origin main' })).rule).toBe(
      'no-force-push-main',
    )
    expect(engine.evaluate(call('bash', { command: 'ls' })).rule).toBe('allow-bash')
  })

  it('rejects an unknown template, listing the available ones', () => {
    expect(() => parsePolicies('extends: [safe_codng]\nrules: []', 'p.yaml')).toThrow(
      /p\.yaml:1:\d+: extends: unknown template 'safe_codng' \(available: safe_coding, safe_browsing, safe_database, strict\)/,
    )
  })

  it('rejects duplicate rule names across files, naming both places', async () => {
    const path = await folder('dupes', {
      'a.yaml': 'rules:\n  - { name: same, match: {}, decision: allow, reason: r }\n',
      'b.yaml': 'policies:\n  - { name: same }\n',
    })
    const error = await configError(loadPolicies([path]))
    expect(error.issues).toHaveLength(1)
    expect(error.issues[0]).toMatchObject({ file: join(path, 'b.yaml'), line: 2 })
    expect(error.message).toContain(`duplicate rule name 'same' (first defined at ${join(path, 'a.yaml')}:2:`)
  })

  it('rejects a rule named like a template rule', () => {
    const error = (() => {
      try {
        parsePolicies(
          'extends: [strict]\nrules:\n  - { name: allow-read-only, match: {}, decision: deny, reason: r }',
        )
      } catch (e) {
        return e as ConfigError
      }
      throw new Error('expected an error')
    })()
    expect(error.message).toContain("duplicate rule name 'allow-read-only' (first defined at template strict")
  })

  it('reports the problems of every file together', async () => {
    const path = await folder('broken', {
      'a.yaml': 'rules:\n  - { name: a, match: { actionz: [x] }, decision: allow, reason: r }\n',
      'b.yaml': 'policies:\n  - { name: b, action: allow }\n',
    })
    const error = await configError(loadPolicies([path]))
    expect(error.issues.map((i) => i.file)).toEqual([join(path, 'a.yaml'), join(path, 'b.yaml')])
  })

  it('refuses missing paths and directories without policy files', async () => {
    const empty = await folder('empty', { 'readme.md': '#' })
    await expect(loadPolicies([empty])).rejects.toThrow('No YAML policy files found')
    await expect(loadPolicies([join(dir, 'nope.yaml')])).rejects.toThrow('file not found')
  })

  it('passes the default decision through', () => {
    const loaded = parsePolicies('rules: []', 'p.yaml', { default_decision: 'require_approval' })
    expect(new PolicyEngine(loaded.rules, loaded).evaluate(call('x')).decision).toBe('require_approval')
    expect(parsePolicies('rules: []').default_decision).toBe('deny')
  })
})
