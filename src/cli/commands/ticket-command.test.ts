import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { captureCli } from '../../../test/helpers/capture-cli.js'
import { generateSigningKey } from '../../identity/tokens/generate-signing-key.js'
import { createKeySet } from '../../identity/tokens/key-set.js'
import { publicJwks } from '../../identity/tokens/public-jwks.js'
import { issueTicket } from '../../tickets/issue-ticket.js'

const dir = mkdtempSync(join(tmpdir(), 'airlock-ticket-cli-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const cli = (argv: string[]) => captureCli(argv, dir)

describe('airlock ticket verify', () => {
  it('accepts a ticket once and reports the replay on the next run against the same store', async () => {
    const keySet = await createKeySet({ keys: [await generateSigningKey()] })
    writeFileSync(join(dir, 'jwks.json'), JSON.stringify(publicJwks(keySet)))
    const { token } = await issueTicket(keySet, {
      action: 'restart-deployment',
      target: 'dev/app',
      params: { namespace: 'dev' },
      caller: 'agent',
      audit_id: 'evt-1',
    })
    const args = ['--jwks-file', 'jwks.json', '--store', 'sqlite:./t.db', '--action', 'restart-deployment']
    const anyone = ['--caller', 'any', '--tenant', 'any']

    const unbound = await cli(['ticket', 'verify', token, ...args])
    expect(unbound.code).toBe(1)
    expect(unbound.stdout).toMatch(/Bindings not given .*target, params, caller, tenant/)

    const wrong = await cli([
      'ticket',
      'verify',
      token,
      ...args,
      ...anyone,
      '--target',
      'any',
      '--params',
      '{"namespace":"prod"}',
    ])
    expect(wrong.code).toBe(1)
    expect(wrong.stdout).toMatch(/^INVALID — Params mismatch/)

    const first = await cli([
      'ticket',
      'verify',
      token,
      ...args,
      ...anyone,
      '--target',
      'dev/app',
      '--params',
      '{"namespace":"dev"}',
    ])
    expect(first.code).toBe(0)
    expect(first.stdout).toMatch(/^VALID — Ticket is valid/)

    const second = await cli([
      'ticket',
      'verify',
      token,
      ...args,
      ...anyone,
      '--target',
      'any',
      '--params',
      'any',
      '--json',
    ])
    expect(second.code).toBe(1)
    expect(JSON.parse(second.stdout)).toEqual({
      valid: false,
      code: 'replayed',
      reason: 'Ticket has already been used (replay detected)',
    })
  })

  it('refuses a ticket issued for another audience unless --audience names it', async () => {
    const keySet = await createKeySet({ keys: [await generateSigningKey()] })
    writeFileSync(join(dir, 'jwks3.json'), JSON.stringify(publicJwks(keySet)))
    const { token } = await issueTicket(keySet, {
      action: 'a',
      caller: 'c',
      audit_id: 'evt-3',
      audience: 'k8s-executor',
    })
    const args = [
      'ticket',
      'verify',
      token,
      '--action',
      'a',
      '--jwks-file',
      'jwks3.json',
      '--store',
      'memory',
    ]
    const bindings = ['--target', 'none', '--params', 'any', '--caller', 'c', '--tenant', 'any']
    const refused = await cli([...args, ...bindings])
    expect(refused.code).toBe(1)
    expect(refused.stdout).toContain(
      "INVALID — Audience mismatch: ticket is for 'k8s-executor', expected 'airlock-executor'",
    )
    const accepted = await cli([...args, ...bindings, '--audience', 'k8s-executor'])
    expect(accepted.code).toBe(0)
  })

  it('exits 1 for a ticket for another action and 2 for bad usage', async () => {
    const keySet = await createKeySet({ keys: [await generateSigningKey()] })
    writeFileSync(join(dir, 'jwks2.json'), JSON.stringify(publicJwks(keySet)))
    const { token } = await issueTicket(keySet, { action: 'a', caller: 'c', audit_id: 'evt-2' })
    const r = await cli([
      'ticket',
      'verify',
      token,
      '--action',
      'b',
      '--jwks-file',
      'jwks2.json',
      '--store',
      'memory',
    ])
    expect(r.code).toBe(1)
    expect(r.stdout).toContain("Action mismatch: ticket is for 'a', expected 'b'")
    expect((await cli(['ticket', 'verify', token, '--jwks-file', 'jwks2.json'])).code).toBe(2)
    expect(
      (
        await cli([
          'ticket',
          'verify',
          token,
          '--action',
          'a',
          '--jwks-file',
          'jwks2.json',
          '--params',
          '[1]',
        ])
      ).code,
    ).toBe(2)
  })
})
