/**
 * Commands a newcomer meets in the first hour, through the built binary:
 * list-actions in the quickstart, approval with --json and --unsafe-local,
 * token issue --ttl, and delegation create/verify.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { decodeJwt } from 'jose'
import { afterAll, describe, expect, it } from 'vitest'
import { runAirlock } from '../helpers/airlock-binary.js'

const ROOT = resolve(import.meta.dirname, '../..')
const QUICKSTART = resolve(ROOT, 'examples/quickstart')

// A project whose code-defined action imports the package by name, as a user's would.
const dir = mkdtempSync(join(tmpdir(), 'airlock-first-hour-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
mkdirSync(join(dir, 'node_modules'))
mkdirSync(join(dir, 'policies'))
symlinkSync(ROOT, join(dir, 'node_modules', 'airlock'))
symlinkSync(join(ROOT, 'node_modules', 'zod'), join(dir, 'node_modules', 'zod'))
writeFileSync(
  join(dir, 'pay.mjs'),
  `import { defineAction } from 'airlock'
import { z } from 'zod'
export const pay = defineAction({
  name: 'pay',
  description: 'Pay an amount to an account',
  risk: 'high',
  input: z.object({ amount: z.int().positive(), account: z.string() }),
  handler: ({ amount, account }) => ({ paid: amount, account_ends: account.slice(-4) }),
})
`,
)
writeFileSync(
  join(dir, 'policies', 'pay.yaml'),
  'rules:\n  - name: payments-need-approval\n    match: { actions: [pay] }\n    decision: require_approval\n    reason: Money leaves the company\n',
)
writeFileSync(
  join(dir, 'airlock.config.yaml'),
  `store: sqlite:./.airlock/airlock.db
modules: [./pay.mjs]
policies: [./policies]
auth: { anonymous: true }
approvals: { approver_roles: [approver] }
seal: { key_file: ./.airlock/seal.key }
`,
)

const cli = (argv: string[]) => runAirlock(argv, dir)

async function hold(amount: number): Promise<string> {
  const params = JSON.stringify({ amount, account: 'DE89370400440532013000' })
  const run = await cli(['run', 'pay', '-p', params, '-c', 'agent-7', '--roles', 'agent', '--json'])
  expect(run.code).toBe(4)
  return (JSON.parse(run.stdout) as { approval_id: string }).approval_id
}

describe('airlock list-actions in examples/quickstart', () => {
  it('lists the code-defined and the YAML actions, six in all', async () => {
    const run = await runAirlock(['list-actions'], QUICKSTART)
    expect(run.code).toBe(0)
    for (const name of [
      'get-pod-logs',
      'get_invoice',
      'issue_refund',
      'list_invoices',
      'restart-deployment',
      'scale-deployment',
    ]) {
      expect(run.stdout).toMatch(new RegExp(`^\\s*${name}\\s`, 'm'))
    }
    expect(run.stdout).toContain('6 action(s) registered.')
  })
})

describe('airlock approval through the binary', () => {
  it('lists and shows approvals as JSON', async () => {
    const id = await hold(120)
    const list = await cli(['approval', 'list', '--json'])
    expect(list.code).toBe(0)
    const items = (JSON.parse(list.stdout) as { items: { id: string; status: string }[] }).items
    expect(items).toContainEqual(expect.objectContaining({ id, status: 'pending', action: 'pay' }))
    const show = await cli(['approval', 'show', id, '--json'])
    expect(JSON.parse(show.stdout)).toMatchObject({ id, status: 'pending', requester: 'agent-7' })
  })

  it('decides against the store only with --unsafe-local, warning and auditing the channel', async () => {
    const id = await hold(50)
    const decide = ['approval', 'approve', id, '--as', 'alice', '--roles', 'approver', '--json']
    const refused = await cli(decide)
    expect(refused.code).toBe(2)
    expect(refused.stderr).toContain('--unsafe-local')
    expect(JSON.parse((await cli(['approval', 'show', id, '--json'])).stdout)).toMatchObject({
      status: 'pending',
    })

    const approved = await cli([...decide, '--unsafe-local'])
    expect(approved.stderr).toContain('warning: --unsafe-local')
    expect(approved.code).toBe(0)
    expect(JSON.parse(approved.stdout)).toMatchObject({
      status: 'executed',
      result: { paid: 50, account_ends: '3000' },
      approval: { status: 'executed', decided_by: 'alice' },
    })
    expect((await cli(['audit', 'show', '--json'])).stdout).toContain('cli --unsafe-local')
  })
})

describe('airlock token issue and delegation through the binary', () => {
  const lifetime = (token: string) => {
    const claims = decodeJwt(token)
    return (claims.exp ?? 0) - (claims.iat ?? 0)
  }

  it('issues a token for --ttl, delegates a narrower one and verifies its chain', async () => {
    const key = await cli(['keys', 'generate'])
    expect(key.code).toBe(0)
    writeFileSync(join(dir, 'key.json'), key.stdout)
    const signing = ['--key-file', 'key.json', '--audience', 'gw']

    const issued = await cli([
      'token',
      'issue',
      '--sub',
      'orchestrator',
      '--roles',
      'reader',
      '--ttl',
      '15m',
      ...signing,
    ])
    expect(issued.code).toBe(0)
    const root = issued.stdout.trim()
    expect(lifetime(root)).toBe(900)
    expect(decodeJwt(root)).toMatchObject({ sub: 'orchestrator', aud: 'gw' })

    const bad = await cli(['token', 'issue', '--sub', 'x', '--ttl', 'soon', ...signing])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain(
      "--ttl must be a duration of whole seconds such as 30s, 15m, 1h or 7d, got 'soon'",
    )

    const child = await cli([
      'delegation',
      'create',
      root,
      '--sub',
      'worker',
      '--ttl',
      '5m',
      '--key-file',
      'key.json',
    ])
    expect(child.code).toBe(0)
    const token = child.stdout.trim()
    expect(lifetime(token)).toBe(300)

    const verify = await cli(['delegation', 'verify', token, '--key-file', 'key.json', '--audience', 'gw'])
    expect(verify.code).toBe(0)
    expect(verify.stdout).toContain('worker')
    expect(verify.stdout).toContain('orchestrator')

    const forged = await cli([
      'delegation',
      'verify',
      `${token.slice(0, -4)}AAAA`,
      '--key-file',
      'key.json',
      '--audience',
      'gw',
    ])
    expect(forged.code).toBe(1)
  })
})
