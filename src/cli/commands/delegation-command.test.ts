import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { captureCli } from '../../../test/helpers/capture-cli.js'
import { issueIdentityToken } from '../../identity/tokens/identity-token.js'
import { createKeySet } from '../../identity/tokens/key-set.js'

const dir = mkdtempSync(join(tmpdir(), 'airlock-delegation-cli-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const cli = (argv: string[]) => captureCli(argv, dir)

describe('airlock keys and delegation', () => {
  it('generates a key, delegates with it, and verifies the chain from the public JWKS', async () => {
    const generated = await cli(['keys', 'generate'])
    expect(generated.code).toBe(0)
    const jwk = JSON.parse(generated.stdout)
    expect(jwk).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA' })
    writeFileSync(join(dir, 'key.json'), generated.stdout)
    const jwks = await cli(['keys', 'jwks', '--key-file', 'key.json'])
    expect(JSON.parse(jwks.stdout).keys[0]).not.toHaveProperty('d')
    writeFileSync(join(dir, 'jwks.json'), jwks.stdout)

    const keySet = await createKeySet({ keys: [jwk] })
    const root = await issueIdentityToken(keySet, {
      sub: 'orchestrator',
      roles: ['deployer', 'reader'],
      audience: 'gw',
    })
    const created = await cli([
      'delegation',
      'create',
      root,
      '--sub',
      'worker',
      '--roles',
      'reader',
      '--key-file',
      'key.json',
    ])
    expect(created.code).toBe(0)
    const child = created.stdout.trim()

    const verified = await cli([
      'delegation',
      'verify',
      child,
      '--jwks-file',
      'jwks.json',
      '--audience',
      'gw',
    ])
    expect(verified.code).toBe(0)
    expect(verified.stdout).toMatch(/^DELEGATED — worker/)
    expect(verified.stdout).toContain('chain:     orchestrator → worker')

    const direct = await cli(['delegation', 'verify', root, '--jwks-file', 'jwks.json'])
    expect(direct.stdout).toMatch(/^DIRECT — orchestrator/)
  })

  it('exits 1 naming the extra roles when a delegation would widen them', async () => {
    const generated = await cli(['keys', 'generate', '--alg', 'HS256'])
    writeFileSync(join(dir, 'hs.json'), generated.stdout)
    const keySet = await createKeySet({ keys: [JSON.parse(generated.stdout)] })
    const root = await issueIdentityToken(keySet, { sub: 'a', roles: ['reader'], audience: 'gw' })
    const r = await cli([
      'delegation',
      'create',
      root,
      '--sub',
      'b',
      '--roles',
      'reader,admin',
      '--key-file',
      'hs.json',
    ])
    expect(r.code).toBe(1)
    expect(r.stderr).toContain("Cannot delegate roles not held by parent: ['admin']")
  })

  it('exits 1 for a token that does not verify and 2 without a key', async () => {
    const generated = await cli(['keys', 'generate'])
    writeFileSync(join(dir, 'other.json'), generated.stdout)
    const r = await cli(['delegation', 'verify', 'eyJhbGciOiJub25lIn0.e30.', '--key-file', 'other.json'])
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(/^INVALID — Invalid identity token: token uses alg 'none'/)
    expect((await cli(['delegation', 'verify', 'x'])).code).toBe(2)
    expect((await cli(['keys', 'generate', '--alg', 'RS256'])).code).toBe(2)
  })
})
