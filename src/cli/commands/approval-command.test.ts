import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createAirlockFromConfig } from '../../config/create-airlock-from-config.js'
import { loadConfig } from '../../config/load-config.js'
import { localPrincipal } from '../../identity/principal.js'
import type { CliIo } from '../cli-io.js'
import { ExitCode } from '../exit-codes.js'
import { runCli } from '../run-cli.js'

const module = fileURLToPath(new URL('./test-fixtures/payments.mjs', import.meta.url))
let dir: string
let configFile: string

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'airlock-approval-cli-'))
  await mkdir(join(dir, 'policies'))
  await writeFile(
    join(dir, 'policies', 'pay.yaml'),
    `rules:
  - name: payments-need-approval
    match: { actions: [pay] }
    decision: require_approval
    reason: Money leaves the company
`,
  )
  configFile = join(dir, 'airlock.config.yaml')
  await writeFile(
    configFile,
    `store: sqlite:./.airlock/airlock.db
modules: [${module}]
policies: [./policies]
auth: { anonymous: true }
approvals: { approver_roles: [approver] }
seal: { key_file: ./.airlock/seal.key }
redaction: { keys: [iban] }
`,
  )
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function hold(amount: number): Promise<string> {
  const { airlock } = await createAirlockFromConfig(await loadConfig(configFile))
  try {
    const outcome = await airlock.execute(
      'pay',
      { amount, iban: 'DE89370400440532013000' },
      { caller: localPrincipal('agent-7', { roles: ['agent'] }) },
    )
    if (outcome.status !== 'pending_approval')
      throw new Error(`expected a held request, got ${outcome.status}`)
    return outcome.approval_id
  } finally {
    await airlock.close()
  }
}

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = ''
  let err = ''
  const io: CliIo = {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    cwd: dir,
    env: {},
  }
  const code = await runCli(argv, io)
  return { code, out, err }
}

describe('airlock approval (store mode)', () => {
  it('lists pending approvals and shows one with its inputs redacted', async () => {
    const id = await hold(120)
    const list = await cli('approval', 'list', '--config', configFile)
    expect(list.code).toBe(ExitCode.OK)
    expect(list.out).toMatch(new RegExp(`${id}\\s+pending\\s+pay\\s+agent-7`))
    expect(list.out).toContain('1 approval(s).')

    const show = await cli('approval', 'show', id, '--json')
    expect(show.code).toBe(ExitCode.OK)
    const approval = JSON.parse(show.out) as Record<string, unknown>
    expect(approval).toMatchObject({ id, status: 'pending', inputs: { amount: 120, iban: '**REDACTED**' } })
    expect(show.out).not.toContain('DE89370400440532013000')
    expect(approval).not.toHaveProperty('sealed_inputs')
  })

  it('approves as --as with an approver role: the request runs with its original inputs', async () => {
    const id = await hold(50)
    const result = await cli(
      'approval',
      'approve',
      id,
      '--config',
      configFile,
      '--as',
      'alice',
      '--roles',
      'approver',
      '--unsafe-local',
      '--comment',
      'ok',
      '--json',
    )
    expect(result.err).toContain('warning: --unsafe-local')
    expect(result.code).toBe(ExitCode.OK)
    expect(JSON.parse(result.out)).toMatchObject({
      status: 'executed',
      // The handler saw the real IBAN, not the redacted one.
      result: { paid: 50, account_ends: '3000' },
      approval: { status: 'executed', decided_by: 'alice', comment: 'ok' },
    })

    const again = await cli(
      'approval',
      'approve',
      id,
      '--config',
      configFile,
      '--as',
      'bob',
      '--roles',
      'approver',
      '--unsafe-local',
    )
    expect(again.code).toBe(ExitCode.FAILED)
    expect(again.err).toMatch(/refused: .*already executed \(APPROVAL_ALREADY_DECIDED\)/)
  })

  it('refuses a store-direct decision whose identity only flags give, unless --unsafe-local, and audits that', async () => {
    const id = await hold(20)
    const flagsOnly = await cli(
      'approval',
      'approve',
      id,
      '--config',
      configFile,
      '--as',
      'alice',
      '--roles',
      'approver',
    )
    expect(flagsOnly.code).toBe(ExitCode.USAGE)
    expect(flagsOnly.err).toContain('--unsafe-local')
    expect(
      JSON.parse((await cli('approval', 'show', id, '--json', '--config', configFile)).out),
    ).toMatchObject({
      status: 'pending',
    })
    const unsafe = await cli(
      'approval',
      'approve',
      id,
      '--config',
      configFile,
      '--as',
      'alice',
      '--roles',
      'approver',
      '--unsafe-local',
    )
    expect(unsafe.code).toBe(ExitCode.OK)
    const audit = await cli('audit', 'show', '--json')
    expect(audit.out).toContain('cli --unsafe-local')
  })

  it('refuses self-approval and deciders without an approver role (exit 1)', async () => {
    const id = await hold(10)
    const self = await cli(
      'approval',
      'approve',
      id,
      '--config',
      configFile,
      '--as',
      'agent-7',
      '--roles',
      'approver',
      '--unsafe-local',
    )
    expect(self.code).toBe(ExitCode.FAILED)
    expect(self.err).toContain('APPROVAL_SELF_DECISION')
    const noRole = await cli(
      'approval',
      'approve',
      id,
      '--config',
      configFile,
      '--as',
      'mallory',
      '--unsafe-local',
    )
    expect(noRole.code).toBe(ExitCode.FAILED)
    expect(noRole.err).toContain('APPROVER_NOT_ALLOWED')
    const missing = await cli('approval', 'show', 'apr-000000000000000000000000', '--config', configFile)
    expect(missing.code).toBe(ExitCode.FAILED)
    expect(missing.err).toContain('APPROVAL_NOT_FOUND')
  })

  it('rejects with a comment; a bare store URL may only list and show', async () => {
    const id = await hold(10)
    const store = 'sqlite:./.airlock/airlock.db'
    for (const verb of ['approve', 'reject']) {
      const refused = await cli(
        'approval',
        verb,
        id,
        '--store',
        store,
        '--as',
        'alice',
        '--roles',
        'approver',
      )
      expect(refused.code).toBe(ExitCode.USAGE)
      expect(refused.err).toContain('pass --config')
    }

    const reject = await cli(
      'approval',
      'reject',
      id,
      '--config',
      configFile,
      '--as',
      'alice',
      '--roles',
      'approver',
      '--unsafe-local',
      '--comment',
      'no',
    )
    expect(reject.code).toBe(ExitCode.OK)
    expect(reject.out).toContain(`REJECTED ${id}`)
    const list = await cli('approval', 'list', '--store', store, '--status', 'rejected', '--json')
    expect(list.code).toBe(ExitCode.OK)
    expect(JSON.parse(list.out)).toMatchObject({
      items: [{ id, status: 'rejected', decided_by: 'alice', comment: 'no' }],
    })
  })

  it('needs --as to decide, and one source only', async () => {
    const noAs = await cli('approval', 'reject', 'apr-000000000000000000000000', '--config', configFile)
    expect(noAs.code).toBe(ExitCode.USAGE)
    expect(noAs.err).toContain('--as')
    const two = await cli('approval', 'list', '--config', configFile, '--url', 'http://127.0.0.1:1')
    expect(two.code).toBe(ExitCode.USAGE)
  })

  it('exits 5 when the gateway cannot be reached', async () => {
    const result = await cli('approval', 'list', '--url', 'http://127.0.0.1:1', '--api-key', 'ak_x')
    expect(result.code).toBe(ExitCode.RUNTIME)
    expect(result.err).toContain('cannot reach http://127.0.0.1:1')
  })
})
