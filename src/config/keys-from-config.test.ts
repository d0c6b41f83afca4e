import { existsSync } from 'node:fs'
import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ConfigError } from '../errors/config-error.js'
import { hashApiKey } from '../identity/auth/generate-api-key.js'
import { generateSigningKey } from '../identity/tokens/generate-signing-key.js'
import { issueIdentityToken } from '../identity/tokens/identity-token.js'
import { createKeySet } from '../identity/tokens/key-set.js'
import { ANY, validateTicket } from '../tickets/validate-ticket.js'
import { checkConfig } from './check-config.js'
import { createAirlockFromConfig } from './create-airlock-from-config.js'
import { keysFromConfig } from './keys-from-config.js'
import { loadConfig } from './load-config.js'
import { loadSigningKeyFile } from './signing-key-file.js'

const fixtures = fileURLToPath(new URL('./test-fixtures/', import.meta.url))
let dir: string

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'airlock-keys-'))
  await mkdir(join(dir, 'policies'))
  await writeFile(
    join(dir, 'policies', 'allow.yaml'),
    `rules:
  - name: agents-echo
    match: { actions: [echo], callers: { roles: [agent] } }
    decision: allow
    reason: Echo is harmless
`,
  )
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function project(sections: string, auth = ''): Promise<string> {
  const file = join(dir, 'airlock.config.yaml')
  await writeFile(
    file,
    `store: memory
modules: [${join(fixtures, 'ops-actions.mjs')}]
policies: [./policies]
auth:
  api_keys:
    - { id: agent, sha256: ${hashApiKey('ak_test')}, actor_id: agent-1, roles: [agent] }
${auth}${sections}`,
  )
  return file
}

async function configError(promise: Promise<unknown>): Promise<ConfigError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(ConfigError)
  return error as ConfigError
}

const bearer = (token: string) =>
  new Request('http://localhost/x', { headers: { authorization: `Bearer ${token}` } })

describe('keys in the configuration', () => {
  it('creates a private Ed25519 key file (0600) on first start and signs tickets and identities with it', async () => {
    const file = await project(
      'keys: { key_file: ./.airlock/signing-key.json }\ntickets: { ttl: 2m, audience: executor }\n',
      '  identity_tokens: { audience: gw }\n',
    )
    const { airlock, httpOptions } = await createAirlockFromConfig(await loadConfig(file))
    try {
      const path = join(dir, '.airlock', 'signing-key.json')
      expect((await stat(path)).mode & 0o777).toBe(0o600)
      const saved = JSON.parse(await readFile(path, 'utf8'))
      expect(saved.keys).toHaveLength(1)
      expect(saved.keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', d: expect.any(String) })
      expect(airlock.keys?.kids).toEqual([saved.keys[0].kid])
      expect(httpOptions.auth.map((b) => b.name)).toEqual(['api_key', 'identity_token'])

      const checked = await airlock.check('echo', { message: 'hi' }, { caller: 'agent-1' })
      expect(checked.decision).toBe('deny') // a plain name has no roles
      const agent = await airlock.check(
        'echo',
        { message: 'hi' },
        {
          caller: {
            actor_id: 'agent-1',
            roles: ['agent'],
            groups: [],
            scopes: [],
            tenant_id: 'default',
            delegation_chain: [],
            auth: 'api_key',
          },
        },
      )
      expect(agent.decision).toBe('allow')
      const ticket = agent.ticket!
      expect(Date.parse(ticket.expires_at) - Date.now()).toBeLessThanOrEqual(120_000)
      const claims = JSON.parse(Buffer.from(ticket.token.split('.')[1]!, 'base64url').toString())
      expect(claims.aud).toBe('executor')
      const { memoryStore } = await import('../store/memory/index.js')
      const nonces = memoryStore().nonces
      await expect(
        validateTicket(
          airlock.keys!,
          ticket.token,
          { action: 'echo', target: ANY, params: ANY, caller: ANY, tenant: ANY },
          nonces,
          { audience: 'executor' },
        ),
      ).resolves.toMatchObject({ valid: true })

      const token = await issueIdentityToken(airlock.keys!, {
        sub: 'agent-2',
        roles: ['agent'],
        audience: 'gw',
      })
      const identity = httpOptions.auth.find((b) => b.name === 'identity_token')!
      await expect(identity.authenticate(bearer(token))).resolves.toMatchObject({ actor_id: 'agent-2' })
    } finally {
      await airlock.close()
    }
    // The next start reads the same key rather than making another.
    const again = await createAirlockFromConfig(await loadConfig(file))
    try {
      const saved = JSON.parse(await readFile(join(dir, '.airlock', 'signing-key.json'), 'utf8'))
      expect(again.airlock.keys?.kids).toEqual([saved.keys[0].kid])
    } finally {
      await again.airlock.close()
    }
  })

  it('agrees on one key when several replicas start at once', async () => {
    const path = join(dir, 'k', 'signing-key.json')
    const files = await Promise.all(Array.from({ length: 8 }, () => loadSigningKeyFile(path)))
    expect(new Set(files.map((f) => JSON.stringify(f))).size).toBe(1)
  })

  it.skipIf(process.platform === 'win32')('refuses a key file others can read', async () => {
    const file = await project('keys: { key_file: ./signing-key.json }\n')
    await writeFile(join(dir, 'signing-key.json'), JSON.stringify({ keys: [await generateSigningKey()] }))
    await chmod(join(dir, 'signing-key.json'), 0o644)
    const error = await configError(createAirlockFromConfig(await loadConfig(file)))
    expect(error.issues[0]).toMatchObject({ file: join(dir, 'signing-key.json'), field: 'keys.key_file' })
    expect(error.message).toMatch(/readable by others .*chmod 600/)
  })

  it('refuses a key file that is not a JWK Set, without quoting it', async () => {
    const file = await project('keys: { key_file: ./signing-key.json }\n')
    await writeFile(join(dir, 'signing-key.json'), '{"keys": [{"kty": "OKP", "d": "secret-part', {
      mode: 0o600,
    })
    const error = await configError(createAirlockFromConfig(await loadConfig(file)))
    expect(error.issues[0]).toMatchObject({
      field: 'keys.key_file',
      message: expect.stringMatching(/not valid JSON/),
    })
    expect(error.message).not.toContain('secret-part')
  })

  it('refuses a key file holding only public keys: the gateway must sign', async () => {
    const file = await project('keys: { key_file: ./signing-key.json }\n')
    const { d: _d, ...pub } = await generateSigningKey({ kid: 'pub' })
    await writeFile(join(dir, 'signing-key.json'), JSON.stringify({ keys: [pub] }), { mode: 0o600 })
    const error = await configError(createAirlockFromConfig(await loadConfig(file)))
    expect(error.message).toMatch(/keys\.key_file: expected at least one private key/)
  })

  it('accepts inline JWKs, and points at the one that does not import', async () => {
    const jwk = await generateSigningKey({ kid: 'inline-1' })
    const ok = await loadConfig(
      await project(`keys:\n  jwks:\n    - ${JSON.stringify(jwk)}\n  issuer: gw-1\n`),
    )
    const keys = await keysFromConfig(ok)
    expect(keys).toMatchObject({ issuer: 'gw-1', signing_kid: 'inline-1' })

    const short = { kty: 'oct', k: Buffer.alloc(8).toString('base64url'), kid: 'short', alg: 'HS256' }
    const file = await project(
      `keys:\n  jwks:\n    - ${JSON.stringify(jwk)}\n    - ${JSON.stringify(short)}\n`,
    )
    const error = await configError(loadConfig(file))
    expect(error.issues[0]).toMatchObject({ file, field: 'keys.jwks[1]', line: expect.any(Number) })
    expect(error.message).toMatch(/at least 32 bytes/)
  })

  it('names the key and what was expected for malformed keys and tickets sections', async () => {
    const both = await configError(
      loadConfig(await project('keys: { key_file: ./k.json, jwks: [{ kid: a, alg: EdDSA }] }\n')),
    )
    expect(both.issues[0]).toMatchObject({
      field: 'keys',
      message: 'expected exactly one of key_file or jwks',
    })
    const alg = await configError(loadConfig(await project('keys: { jwks: [{ kid: a, alg: RS256 }] }\n')))
    expect(alg.issues[0]).toMatchObject({
      field: 'keys.jwks[0].alg',
      message: expect.stringMatching(/EdDSA or HS256/),
    })
    const ttl = await configError(
      loadConfig(await project('keys: { key_file: ./k.json }\ntickets: { ttl: 2h }\n')),
    )
    expect(ttl.issues[0]).toMatchObject({ field: 'tickets.ttl', message: expect.stringMatching(/1s to 60m/) })
  })

  it('refuses identity tokens and tickets without keys, naming each', async () => {
    const file = await project('tickets: { ttl: 5m }\n', '  identity_tokens: { audience: gw }\n')
    const error = await configError(loadConfig(file))
    expect(error.issues.map((i) => i.field).sort()).toEqual(['auth.identity_tokens', 'tickets'])
    expect(error.message).toMatch(/identity_tokens needs signing keys: add a top-level keys section/)
    expect(error.issues.every((i) => i.line !== undefined)).toBe(true)
  })

  it('validates a configuration without creating its key file', async () => {
    const file = await project('keys: { key_file: ./.airlock/signing-key.json }\n', '  identity_tokens: {}\n')
    const summary = await checkConfig(file)
    expect(summary.auth).toEqual(['api_key', 'identity_token'])
    expect(existsSync(join(dir, '.airlock'))).toBe(false)
  })

  it('verifies tokens of every configured key during a rotation, signing with signing_kid', async () => {
    const old = await generateSigningKey({ kid: 'old' })
    const next = await generateSigningKey({ kid: 'new' })
    const file = await project(
      `keys:\n  jwks: [${JSON.stringify(old)}, ${JSON.stringify(next)}]\n  signing_kid: new\n`,
      '  identity_tokens: { audience: gw }\n',
    )
    const keys = (await keysFromConfig(await loadConfig(file)))!
    expect(keys.signing_kid).toBe('new')
    const oldToken = await issueIdentityToken(await createKeySet({ keys: [old] }), {
      sub: 'a',
      audience: 'gw',
    })
    const { httpOptions, airlock } = await createAirlockFromConfig(await loadConfig(file))
    try {
      const identity = httpOptions.auth.find((b) => b.name === 'identity_token')!
      await expect(identity.authenticate(bearer(oldToken))).resolves.toMatchObject({ actor_id: 'a' })
    } finally {
      await airlock.close()
    }
  })
})
