/**
 * agent-action-policy files through the built binary: `check` and `test`
 * with `--policies aap.yaml`, and `--evaluate-unknown` letting such rules
 * decide tool names that are not declared actions.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { runAirlock } from '../helpers/airlock-binary.js'

const INFRA = resolve(import.meta.dirname, '../../examples/infra')

const AAP = `policies:
  - { name: reads-ok, match: { tool: read_file }, action: approve, reason: reading is safe }
  - { name: shell-asks, match: { tool: bash }, action: escalate, reason: shell needs a human }
  - { name: no-wipe, match: { tool: rm_rf }, action: deny, reason: never wipe }
`

const tmp = mkdtempSync(join(tmpdir(), 'airlock-aap-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))
writeFileSync(join(tmp, 'aap.yaml'), AAP)

describe('airlock check --policies aap.yaml', () => {
  it('decides any tool name by the file alone: allow 0, approval 4, deny 1', async () => {
    const allow = await runAirlock(['check', 'read_file', '--policies', 'aap.yaml'], tmp)
    expect(allow.stdout).toMatch(/^ALLOW — reading is safe/)
    expect(allow.stdout).toMatch(/rule:\s+reads-ok/)
    expect(allow.code).toBe(0)
    const held = await runAirlock(['check', 'bash', '--policies', 'aap.yaml'], tmp)
    expect(held.stdout).toMatch(/^REQUIRE_APPROVAL — shell needs a human/)
    expect(held.code).toBe(4)
    const denied = await runAirlock(['check', 'rm_rf', '--policies', 'aap.yaml'], tmp)
    expect(denied.stdout).toMatch(/^DENY — never wipe/)
    expect(denied.code).toBe(1)
  })

  it('denies a tool no rule matches, saying so', async () => {
    const run = await runAirlock(['check', 'other_tool', '--policies', 'aap.yaml'], tmp)
    expect(run.stdout).toMatch(/^DENY — No matching policy \(default deny\)/)
    expect(run.code).toBe(1)
  })
})

describe('airlock test cases.yaml --policies aap.yaml', () => {
  it('passes cases written against the file and names a wrong one', async () => {
    writeFileSync(
      join(tmp, 'cases.yaml'),
      `tests:
  - { name: read, action: read_file, expect: allow }
  - { name: shell, action: bash, expect: require_approval }
  - { name: wipe, action: rm_rf, expect: deny }
`,
    )
    const pass = await runAirlock(['test', 'cases.yaml', '--policies', 'aap.yaml'], tmp)
    expect(pass.stdout).toMatch(/^3 passed, 0 failed$/m)
    expect(pass.code).toBe(0)

    writeFileSync(join(tmp, 'wrong.yaml'), 'tests:\n  - { name: wipe-ok, action: rm_rf, expect: allow }\n')
    const fail = await runAirlock(['test', 'wrong.yaml', '--policies', 'aap.yaml'], tmp)
    expect(fail.stdout).toContain('FAIL  wipe-ok  (expected allow, got deny)')
    expect(fail.code).toBe(1)
  })
})

describe('--evaluate-unknown with declared actions and a native policy beside the file', () => {
  // The infra example's actions, a native rule for one of them, and the agent-action-policy file.
  const project = join(tmp, 'mixed')
  cpSync(INFRA, project, { recursive: true })
  rmSync(join(project, 'policies'), { recursive: true })
  cpSync(join(tmp, 'aap.yaml'), join(project, 'policies', 'aap.yaml'))
  writeFileSync(
    join(project, 'policies', 'native.yaml'),
    'rules:\n  - name: restarts\n    priority: 100\n    match: { actions: [restart-deployment] }\n    decision: allow\n    reason: restarts are routine\n',
  )

  it('denies an undeclared tool by default and points at the flag', async () => {
    const run = await runAirlock(['check', 'read_file'], project)
    expect(run.stdout).toMatch(/^DENY — Unknown action: read_file/)
    expect(run.stderr).toContain('--evaluate-unknown lets the policies decide undeclared tools')
    expect(run.code).toBe(1)
  })

  it('lets the agent-action-policy rules decide it with the flag', async () => {
    const allow = await runAirlock(['check', 'read_file', '--evaluate-unknown'], project)
    expect(allow.stdout).toMatch(/^ALLOW — reading is safe/)
    expect(allow.code).toBe(0)
    const deny = await runAirlock(['check', 'rm_rf', '--evaluate-unknown'], project)
    expect(deny.stdout).toMatch(/^DENY — never wipe/)
    expect(deny.code).toBe(1)
  })

  it('does the same for airlock test', async () => {
    writeFileSync(
      join(project, 'unknown.yaml'),
      'tests:\n  - { name: wipe, action: rm_rf, expect: deny }\n  - { name: read, action: read_file, expect: allow }\n',
    )
    const without = await runAirlock(['test', 'unknown.yaml'], project)
    expect(without.stdout).toContain('FAIL  read  (expected allow, got deny)')
    expect(without.code).toBe(1)
    const run = await runAirlock(['test', 'unknown.yaml', '--evaluate-unknown'], project)
    expect(run.stdout).toMatch(/^2 passed, 0 failed$/m)
    expect(run.code).toBe(0)
  })
})
