/**
 * `airlock freeze`, `airlock unfreeze` and `airlock policy show` against a
 * project's SQLite store, with a gateway on the same store seeing the freeze.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { captureCli } from '../helpers/capture-cli.js'
import { AGENT_KEY, type PolicyProject, policyProject, projectGateway } from './policy-project.js'

let project: PolicyProject

beforeEach(async () => {
  project = await policyProject({
    store: 'sqlite:./.airlock/airlock.db',
    extra: 'seal: { key_file: ./.airlock/seal.key }\npolicy: { label: baseline }\n',
  })
})
afterEach(async () => {
  await project.remove()
})

describe('airlock freeze and unfreeze', () => {
  it('freezes through the store, a gateway on it denies, and unfreeze lifts it', async () => {
    const frozen = await captureCli(
      ['freeze', '--agent', 'agent-1', '--reason', 'agent-1 loops', '--as', 'ops-lead', '--json'],
      project.dir,
    )
    expect(frozen.code).toBe(0)
    const freeze = JSON.parse(frozen.stdout)
    expect(freeze).toMatchObject({ scope: { kind: 'agent', value: 'agent-1' }, created_by: 'ops-lead' })

    const gateway = await projectGateway(project)
    try {
      const denied = await gateway.call('POST', '/actions/echo/execute', AGENT_KEY, {
        inputs: { message: 'x' },
      })
      expect(denied).toMatchObject({ status: 403, body: { code: 'FROZEN', reason: 'Frozen: agent-1 loops' } })
    } finally {
      await gateway.airlock.close()
    }
    const listed = await captureCli(['freeze', '--list'], project.dir)
    expect(listed.stdout).toContain(`${freeze.id}  agent agent-1  "agent-1 loops"  by ops-lead`)

    const lifted = await captureCli(['unfreeze', freeze.id, '--as', 'ops-lead'], project.dir)
    expect(lifted.code).toBe(0)
    expect(lifted.stdout).toContain('unfrozen:')
    expect((await captureCli(['freeze', '--list'], project.dir)).stdout).toBe('no freezes in force\n')
    const again = await captureCli(['unfreeze', freeze.id], project.dir)
    expect(again.code).toBe(1)
    expect(again.stderr).toContain('FREEZE_NOT_FOUND')
  })

  it('refuses a freeze without exactly one scope or without a reason', async () => {
    expect((await captureCli(['freeze', '--reason', 'x'], project.dir)).code).toBe(2)
    expect((await captureCli(['freeze', '--all', '--agent', 'a', '--reason', 'x'], project.dir)).code).toBe(2)
    expect((await captureCli(['freeze', '--all'], project.dir)).code).toBe(2)
  })
})

describe('airlock policy show', () => {
  it('prints the version, label and files a config loads', async () => {
    const shown = await captureCli(['policy', 'show', '--json'], project.dir)
    expect(shown.code).toBe(0)
    const state = JSON.parse(shown.stdout)
    expect(state.policy).toMatchObject({ label: 'baseline', rules: 1, actions: 2 })
    expect(state.policy.version).toMatch(/^sha256:[0-9a-f]{16}$/)
    const gateway = await projectGateway(project)
    try {
      expect(gateway.airlock.policy.current().version).toBe(state.policy.version)
    } finally {
      await gateway.airlock.close()
    }
    const text = await captureCli(['policy', 'show'], project.dir)
    expect(text.stdout).toContain(`policy: ${state.policy.version} (baseline)`)
    expect(text.stdout).toContain('policies/rules.yaml')
  })
})
