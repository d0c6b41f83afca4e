/**
 * Property tests over every YAML file a user writes: policies (native and
 * agent-action-policy), actions, inventory, the project config, and policy
 * test cases. Any text either loads or is rejected with a ConfigError that
 * names a line or a field, quickly.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { parseActionYaml } from '../../src/actions/load-actions.js'
import { loadConfig } from '../../src/config/load-config.js'
import { ConfigError } from '../../src/errors/config-error.js'
import { parseYaml } from '../../src/internal/yaml-source.js'
import { parseInventoryYaml } from '../../src/inventory/load-inventory.js'
import { parsePolicies } from '../../src/policy/load-policies.js'
import { parsePolicyTests } from '../../src/policy/policy-tests.js'
import {
  expectLoadsOrLocates,
  expectParsesOrLocates,
  fuzzRuns,
  mutatedYaml,
  yamlTokens,
} from './fuzz-support.js'

const ROOT = resolve(import.meta.dirname, '../..')
const QUICKSTART = resolve(ROOT, 'examples/quickstart')
const read = (path: string): unknown => parse(readFileSync(resolve(QUICKSTART, path), 'utf8'))

const NATIVE_POLICY = read('policies/infra.yaml')
const AAP_POLICY = {
  policies: [
    {
      name: 'no-rm-rf',
      match: { tool: 'bash', args_pattern: 'rm\\s+-[rf]{2,}', path_patterns: ['/etc/*'] },
      action: 'escalate',
      reason: 'Recursive deletion',
      priority: 10,
    },
    { name: 'read-anything', match: { tool: '~^read' }, action: 'approve' },
  ],
}
const ACTION = read('actions/scale-deployment.yaml')
const INVENTORY = read('inventory.yaml')
const POLICY_TESTS = {
  tests: [
    {
      name: 'restart dev',
      action: 'restart-deployment',
      params: { namespace: 'a' },
      caller: { id: 'x' },
      expect: 'allow',
    },
  ],
}

/** Every YAML parser a user reaches, taking text. */
const PARSERS: Record<string, { base: unknown; parse: (text: string) => unknown }> = {
  'native policies': { base: NATIVE_POLICY, parse: (t) => parsePolicies(t, 'p.yaml') },
  'agent-action-policy rules': { base: AAP_POLICY, parse: (t) => parsePolicies(t, 'aap.yaml') },
  actions: { base: ACTION, parse: (t) => parseActionYaml('a.yaml', t) },
  inventory: { base: INVENTORY, parse: (t) => parseInventoryYaml('i.yaml', t) },
  'policy tests': { base: POLICY_TESTS, parse: (t) => parsePolicyTests(parseYaml('t.yaml', t)) },
}

const runs = fuzzRuns(60)

describe.each(Object.entries(PARSERS))('loading %s', (_name, { base, parse: load }) => {
  it('loads the unedited example', () => {
    expect(() => load(JSON.stringify(base))).not.toThrow()
  })

  it('loads an edited file or names the line or field of each problem', () => {
    fc.assert(
      fc.property(mutatedYaml(base), (text) => expectParsesOrLocates(() => load(text), text)),
      { numRuns: runs },
    )
  })

  it('survives YAML-looking noise', () => {
    fc.assert(
      fc.property(yamlTokens, (text) => expectParsesOrLocates(() => load(text), text)),
      { numRuns: runs },
    )
  })
})

describe('loading the project config', () => {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-fuzz-config-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  const file = join(dir, 'airlock.config.yaml')
  const base = { ...(read('airlock.config.yaml') as Record<string, unknown>), store: 'memory' }

  it('loads an edited config or names the line or field of each problem', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(mutatedYaml(base), yamlTokens), async (text) => {
        writeFileSync(file, text)
        await expectLoadsOrLocates(() => loadConfig(file, { env: {} }), text)
      }),
      { numRuns: runs },
    )
  })
})

/** Inputs that once escaped as plain exceptions or could hang; each must be a located ConfigError. */
const HOSTILE: Record<string, { text: string; message: RegExp; line: number }> = {
  'an alias bomb': {
    text: [
      'a: &a [x, x, x, x, x, x, x, x, x]',
      'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]',
      'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]',
      'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]',
      'e: [*d, *d, *d, *d, *d, *d, *d, *d, *d]',
    ].join('\n'),
    message: /aliases expand to too large a value/,
    line: 2,
  },
  'an alias to no anchor': {
    text: 'rules:\n  - *missing',
    message: /alias '\*missing' refers to no anchor/,
    line: 2,
  },
  'an alias inside its own anchor': {
    text: 'rules: &r [*r]',
    message: /inside the value its anchor names/,
    line: 1,
  },
  'an unknown tag': { text: 'rules:\n  - !include other.yaml', message: /unknown tag '!include'/, line: 2 },
  'a binary value': { text: 'rules: !!binary aGVsbG8=', message: /unknown tag '!!binary'/, line: 1 },
  'a set': { text: 'policies: !!set {a: null}', message: /unknown tag '!!set'/, line: 1 },
  'two documents': { text: 'rules: []\n---\nrules: []', message: /more than one YAML document/, line: 2 },
  'deep flow nesting': {
    text: `rules: ${'['.repeat(5000)}${']'.repeat(5000)}`,
    message: /nested too deeply/,
    line: 1,
  },
  'deep block nesting': {
    text: Array.from({ length: 100 }, (_, i) => `${'  '.repeat(i)}k${i}:`).join('\n'),
    message: /nested too deeply/,
    line: 65,
  },
}

describe('hostile YAML', () => {
  it.each(Object.entries(HOSTILE))('rejects %s with its line', (_name, { text, message, line }) => {
    for (const { parse: load } of Object.values(PARSERS)) {
      let thrown: unknown
      try {
        load(text)
      } catch (error) {
        thrown = error
      }
      expect(thrown).toBeInstanceOf(ConfigError)
      const issue = (thrown as ConfigError).issues[0]
      expect(issue?.message).toMatch(message)
      expect(issue?.line).toBe(line)
    }
  })
})
