import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { runAirlock } from '../helpers/airlock-binary.js'

const ROOT = resolve(import.meta.dirname, '../..')
const INFRA = resolve(ROOT, 'examples/infra')

const cli = (argv: string[], cwd = INFRA) => runAirlock(argv, cwd)

const tmp = mkdtempSync(join(tmpdir(), 'airlock-cli-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

describe('airlock check', () => {
  it('allows a dev restart and exits 0', async () => {
    const r = await cli([
      'check',
      'restart-deployment',
      '--target',
      'dev/test-app',
      '--caller',
      'deploy-agent',
      '--params',
      '{"namespace":"dev","deployment":"test-app"}',
    ])
    expect(r.stdout).toMatch(/^ALLOW — /)
    expect(r.code).toBe(0)
  })

  it('exits 4 when the request is held for approval and 1 when denied', async () => {
    const held = await cli([
      'check',
      'restart-deployment',
      '--target',
      'prod/api-server',
      '--params',
      '{"namespace":"prod","deployment":"api-server"}',
      '--json',
    ])
    expect(JSON.parse(held.stdout)).toMatchObject({ decision: 'require_approval', target: 'prod/api-server' })
    expect(held.code).toBe(4)
    const denied = await cli(['check', 'no-such-action'])
    expect(denied.stdout).toContain('Unknown action: no-such-action')
    expect(denied.code).toBe(1)
  })

  it('reports a target missing from the inventory and suggests the nearest one', async () => {
    const r = await cli([
      'check',
      'get-pod-logs',
      '--target',
      'dev/test-ap',
      '--params',
      '{"namespace":"dev","pod":"x"}',
    ])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain(
      "unknown target 'dev/test-ap': it is not in the inventory; did you mean 'dev/test-app'?",
    )
  })

  it('rejects malformed --params with exit 2 and says why', async () => {
    const r = await cli(['check', 'restart-deployment', '--params', '{bad'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('invalid JSON in --params')
    const notObject = await cli(['check', 'restart-deployment', '--params', '[1]'])
    expect(notObject.code).toBe(2)
    expect(notObject.stderr).toContain('--params must be a JSON object')
  })
})

describe('airlock test', () => {
  it('passes the example project and prints the closing count', async () => {
    const r = await cli(['test', 'tests'])
    expect(r.stdout).toMatch(/^\d+ passed, 0 failed$/m)
    expect(r.code).toBe(0)
  })

  it('exits 1 and names the failing case when an expectation is wrong', async () => {
    const file = join(tmp, 'wrong.yaml')
    writeFileSync(
      file,
      'tests:\n  - name: prod-is-not-open\n    tool: rollout-status\n    target: prod/api-server\n    args: {namespace: prod, deployment: api-server}\n    expect: allow\n',
    )
    const r = await cli(['test', file])
    expect(r.stdout).toContain('FAIL  prod-is-not-open  (expected allow, got require_approval)')
    expect(r.stdout).toMatch(/^0 passed, 1 failed$/m)
    expect(r.code).toBe(1)
  })

  it('reports a malformed test file with its location and exit 3', async () => {
    const file = join(tmp, 'broken.yaml')
    writeFileSync(file, 'tests:\n  - name: x\n    action: restart-deployment\n    expect: maybe\n')
    const r = await cli(['test', file])
    expect(r.code).toBe(3)
    expect(r.stderr).toContain(`${file}:4`)
  })
})

describe('airlock validate and list-actions', () => {
  it('validates the example project', async () => {
    const r = await cli(['validate'])
    expect(r.stdout).toContain('policies: 6 rule(s) loaded')
    expect(r.code).toBe(0)
  })

  it('fails with the file, line and field of a typo in a policy', async () => {
    const project = join(tmp, 'typo')
    cpSync(INFRA, project, { recursive: true })
    writeFileSync(
      join(project, 'policies/extra.yaml'),
      'rules:\n  - name: too-wide\n    match:\n      target: {environments: [dev]}\n    decision: allow\n    reason: typo\n',
    )
    const r = await cli(['validate'], project)
    expect(r.code).toBe(3)
    expect(r.stderr).toMatch(/extra\.yaml:4:\d+: .*target/)
  })

  it('refuses to pass when there is nothing to validate', async () => {
    const r = await cli(['validate'], tmp)
    expect(r.code).toBe(3)
    expect(r.stderr).toContain('nothing to validate')
  })

  it('filters actions by risk and prints their schemas as JSON', async () => {
    const r = await cli(['list-actions', '--risk', 'critical', '--json'])
    const names = (JSON.parse(r.stdout) as { actions: { name: string }[] }).actions.map((a) => a.name)
    expect(names).toEqual(['delete-namespace', 'drain-node'])
    expect((await cli(['list-actions', '--risk', 'extreme'])).code).toBe(2)
  })
})

describe('airlock --version', () => {
  it('prints the package version', async () => {
    const r = await cli(['--version'], ROOT)
    expect(r.code).toBe(0)
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/)
  })
})
