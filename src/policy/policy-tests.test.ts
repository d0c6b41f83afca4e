import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ConfigError } from '../errors/config-error.js'
import { parseYaml } from '../internal/yaml-source.js'
import type { Decision } from './decision.js'
import { loadPolicyTests, parsePolicyTests, policyTestPrincipal, runPolicyTests } from './policy-tests.js'

function parseError(yaml: string): ConfigError {
  try {
    parsePolicyTests(parseYaml('tests.yaml', yaml))
  } catch (error) {
    if (error instanceof ConfigError) return error
    throw error
  }
  throw new Error('expected a ConfigError')
}

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'airlock-policy-tests-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('policy test files', () => {
  it('reads agent-safe cases and the tool/args aliases', () => {
    const cases = parsePolicyTests(
      parseYaml(
        'tests.yaml',
        `
tests:
  - name: dev restart
    action: restart-deployment
    target: dev/test-app
    caller: deploy-agent
    params: { namespace: dev }
    expect: allow
  - name: bash
    tool: bash
    args: { command: ls }
    caller: { id: ops-agent, roles: [ops], tenant: acme }
    ticket_id: CHG-1
    expect: require_approval
`,
      ),
    )
    expect(cases[0]).toMatchObject({
      name: 'dev restart',
      action: 'restart-deployment',
      target: 'dev/test-app',
      caller: { id: 'deploy-agent', roles: [], groups: [] },
      params: { namespace: 'dev' },
      ticket_id: null,
      expect: 'allow',
      source: { file: 'tests.yaml', line: 3 },
    })
    expect(cases[1]).toMatchObject({ action: 'bash', params: { command: 'ls' }, ticket_id: 'CHG-1' })
    expect(policyTestPrincipal(cases[1]!)).toMatchObject({
      actor_id: 'ops-agent',
      roles: ['ops'],
      tenant_id: 'acme',
    })
  })

  it("uses agent-safe's messages, with positions", () => {
    expect(parseError('cases: []').message).toContain("must have a top-level 'tests' key")
    expect(parseError('tests: {}').message).toContain("'tests' must be a list")
    const error = parseError(`
tests:
  - just a string
  - { action: x, expect: allow }
  - { name: n, expect: allow }
  - { name: e, action: x, expect: permit }
`)
    expect(error.issues.map((i) => [i.message, i.line])).toEqual([
      ['test #0 must be a mapping', 3],
      ["test #1 missing 'name'", 4],
      ["test 'n' missing 'action'", 5],
      ["test 'e' has invalid expect 'permit'. Must be one of: allow, deny, require_approval", 6],
    ])
  })

  it('rejects unknown keys in a case', () => {
    expect(parseError('tests: [{ name: n, action: x, expect: allow, paramz: {} }]').message).toContain(
      "unknown key 'paramz'",
    )
  })

  it('loads a directory and refuses an empty one', async () => {
    const empty = join(dir, 'empty')
    await mkdir(empty)
    await expect(loadPolicyTests(empty)).rejects.toThrow(`No YAML test files found in ${empty}`)
    await writeFile(join(dir, 'b.yaml'), 'tests: [{ name: second, action: x, expect: deny }]')
    await writeFile(join(dir, 'a.yml'), 'tests: [{ name: first, action: x, expect: allow }]')
    const cases = await loadPolicyTests(dir)
    expect(cases.map((c) => c.name)).toEqual(['first', 'second'])
  })

  it('reports passes and failures', () => {
    const cases = parsePolicyTests(
      parseYaml(
        't.yaml',
        'tests: [{ name: ok, action: a, expect: allow }, { name: bad, action: b, expect: allow }, { name: boom, action: c, expect: deny }]',
      ),
    )
    const report = runPolicyTests(cases, (testCase) => {
      if (testCase.action === 'c') throw new Error('broken check')
      return {
        decision: testCase.action === 'a' ? 'allow' : 'deny',
        reason: 'because',
        rule: null,
        action: testCase.action,
        target: null,
        caller: 'anonymous',
        risk_class: 'low',
        effective_risk: 'low',
        param_errors: [],
        ticket_id: null,
      } satisfies Decision
    })
    expect(report).toMatchObject({ passed: 1, failed: 2, total: 3 })
    expect(report.results.map((r) => [r.case.name, r.passed, r.actual])).toEqual([
      ['ok', true, 'allow'],
      ['bad', false, 'deny'],
      ['boom', false, null],
    ])
    expect(report.results[2]?.reason).toBe('broken check')
  })
})
