import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { captureCli } from '../../../test/helpers/capture-cli.js'
import { hashApiKey } from '../../identity/auth/generate-api-key.js'
import { verifyIdentityToken } from '../../identity/tokens/identity-token.js'
import { createKeySet } from '../../identity/tokens/key-set.js'

const dir = mkdtempSync(join(tmpdir(), 'airlock-token-cli-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const cli = (argv: string[]) => captureCli(argv, dir)

function config(name: string, auth: string): string {
  writeFileSync(
    join(dir, name),
    `store: memory
keys: { key_file: ./.airlock/${name}.key.json, issuer: gw-issuer }
auth:
${auth}`,
  )
  return name
}

async function keysOf(name: string) {
  return createKeySet({
    ...JSON.parse(readFileSync(join(dir, '.airlock', `${name}.key.json`), 'utf8')),
    issuer: 'gw-issuer',
  })
}

describe('airlock token issue', () => {
  it("mints with a config's keys, creating the key file as serve would, for its audience", async () => {
    const file = config('gw.yaml', '  identity_tokens: { audience: payments-gw }\n')
    const issued = await cli([
      'token',
      'issue',
      '--config',
      file,
      '--sub',
      'deploy-agent',
      '--roles',
      'deployer, reader',
      '--groups',
      'sre',
      '--tenant',
      'acme',
      '--ttl',
      '15m',
      '--json',
    ])
    expect(issued).toMatchObject({ code: 0, stderr: '' })
    const out = JSON.parse(issued.stdout)
    expect(out).toMatchObject({
      sub: 'deploy-agent',
      roles: ['deployer', 'reader'],
      groups: ['sre'],
      tenant: 'acme',
      audience: 'payments-gw',
      issuer: 'gw-issuer',
    })
    expect(Date.parse(out.expires_at) - Date.now()).toBeGreaterThan(14 * 60_000)
    expect(Date.parse(out.expires_at) - Date.now()).toBeLessThanOrEqual(15 * 60_000)
    expect(statSync(join(dir, '.airlock', 'gw.yaml.key.json')).mode & 0o777).toBe(0o600)
    await expect(
      verifyIdentityToken(await keysOf('gw.yaml'), out.token, { audience: 'payments-gw' }),
    ).resolves.toMatchObject({ actor_id: 'deploy-agent', roles: ['deployer', 'reader'], tenant_id: 'acme' })
  })

  it('prints just the token by default, and mints with a key file', async () => {
    const generated = await cli(['keys', 'generate', '--kid', 'cli-1'])
    writeFileSync(join(dir, 'key.json'), generated.stdout)
    const issued = await cli(['token', 'issue', '--key-file', 'key.json', '--sub', 'a', '--audience', 'gw'])
    expect(issued.code).toBe(0)
    const token = issued.stdout.trim()
    expect(token.split('.')).toHaveLength(3)
    const keySet = await createKeySet({ keys: [JSON.parse(generated.stdout)] })
    await expect(verifyIdentityToken(keySet, token, { audience: 'gw' })).resolves.toMatchObject({
      actor_id: 'a',
    })
  })

  it('says when the config would not accept the token it mints', async () => {
    const file = config(
      'keys-only.yaml',
      `  api_keys:\n    - { id: k, sha256: ${hashApiKey('ak_x')}, actor_id: x }\n`,
    )
    const issued = await cli(['token', 'issue', '--config', file, '--sub', 'a'])
    expect(issued.code).toBe(0)
    expect(issued.stderr).toMatch(/does not set auth\.identity_tokens/)
  })

  it('refuses bad flags with a usage error (exit 2)', async () => {
    const file = config('gw2.yaml', '  identity_tokens: {}\n')
    expect(await cli(['token', 'issue', '--config', file, '--sub', 'a', '--ttl', '3600'])).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/--ttl must be a duration/),
    })
    expect(
      await cli(['token', 'issue', '--config', file, '--key-file', 'key.json', '--sub', 'a']),
    ).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/--config or --key-file, not both/),
    })
    expect(await cli(['token', 'issue', '--config', file])).toMatchObject({ code: 2 })
    writeFileSync(join(dir, 'nokeys.yaml'), 'store: memory\nauth: { anonymous: true }\n')
    expect(await cli(['token', 'issue', '--config', 'nokeys.yaml', '--sub', 'a'])).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/has no keys section/),
    })
  })

  it('reports an invalid config with exit 3 and creates nothing', async () => {
    writeFileSync(
      join(dir, 'broken.yaml'),
      'store: memory\nkeys: { key_file: ./never.json }\nauth: { identity_tokens: { audiense: x } }\n',
    )
    const result = await cli(['token', 'issue', '--config', 'broken.yaml', '--sub', 'a'])
    expect(result.code).toBe(3)
    expect(result.stderr).toMatch(/broken\.yaml:3:.*auth\.identity_tokens\.audiense: unknown key/)
    expect(existsSync(join(dir, 'never.json'))).toBe(false)
  })
})
