import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { AirlockError } from '../../errors/airlock-error.js'
import { issueTicket } from '../../tickets/issue-ticket.js'
import { generateSigningKey } from './generate-signing-key.js'
import { issueIdentityToken, verifyIdentityToken } from './identity-token.js'
import { createKeySet, type SigningJwk } from './key-set.js'
import { publicJwks } from './public-jwks.js'
import { resolveCaller } from './resolve-caller.js'

const AUD = 'gateway.test'
const T0 = new Date('2030-01-01T00:00:00Z')
const at = (s: number) => new Date(T0.getTime() + s * 1000)

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url')

async function keys() {
  const ed = await generateSigningKey({ kid: 'ed-1' })
  const hs = await generateSigningKey({ alg: 'HS256', kid: 'hs-1' })
  return { ed, hs, keySet: await createKeySet({ keys: [ed] }), hsSet: await createKeySet({ keys: [hs] }) }
}

async function reason(promise: Promise<unknown>): Promise<string> {
  try {
    await promise
  } catch (error) {
    if (AirlockError.isInstance(error)) {
      expect(error.code).toBe('UNAUTHENTICATED')
      return String(error.details?.reason)
    }
    throw error
  }
  throw new Error('expected a rejection')
}

describe('identity tokens', () => {
  it('round-trips an EdDSA token into a principal with roles, groups and tenant', async () => {
    const { keySet } = await keys()
    const token = await issueIdentityToken(keySet, {
      sub: 'deploy-agent',
      roles: ['deployer'],
      groups: ['sre'],
      tenant: 'acme',
      audience: AUD,
    })
    const principal = await verifyIdentityToken(keySet, token, { audience: AUD })
    expect(principal).toEqual({
      actor_id: 'deploy-agent',
      roles: ['deployer'],
      groups: ['sre'],
      scopes: [],
      tenant_id: 'acme',
      delegation_chain: [],
      auth: 'identity_token',
    })
    const header = JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString())
    expect(header).toEqual({ alg: 'EdDSA', kid: 'ed-1', typ: 'airlock-id+jwt' })
    const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString())
    expect(Object.keys(claims).sort()).toEqual(
      [
        'aud',
        'exp',
        'groups',
        'iat',
        'iss',
        'jti',
        'max_delegation_depth',
        'nbf',
        'roles',
        'sub',
        'tenant',
      ].sort(),
    )
    expect(claims.exp - claims.iat).toBe(3600)
  })

  it('verifies against the published JWKS alone, which holds no private key', async () => {
    const { keySet, ed } = await keys()
    const jwks = publicJwks(keySet)
    expect(jwks.keys).toHaveLength(1)
    expect(jwks.keys[0]).not.toHaveProperty('d')
    expect(jwks.keys[0]).toMatchObject({ kid: 'ed-1', alg: 'EdDSA', x: ed.x })
    const token = await issueIdentityToken(keySet, { sub: 'a', audience: AUD })
    await expect(verifyIdentityToken(jwks, token, { audience: AUD })).resolves.toMatchObject({
      actor_id: 'a',
    })
  })

  it('never publishes HS256 secrets', async () => {
    const { hsSet } = await keys()
    expect(publicJwks(hsSet)).toEqual({ keys: [] })
    expect(JSON.stringify(hsSet)).not.toContain('"k"')
  })

  it('round-trips an HS256 token', async () => {
    const { hsSet } = await keys()
    const token = await issueIdentityToken(hsSet, { sub: 'a', audience: AUD })
    await expect(verifyIdentityToken(hsSet, token, { audience: AUD })).resolves.toMatchObject({
      actor_id: 'a',
    })
  })

  it('refuses HS256 secrets shorter than 32 bytes', async () => {
    await expect(
      createKeySet({
        keys: [{ kty: 'oct', k: Buffer.alloc(31).toString('base64url'), kid: 'short', alg: 'HS256' }],
      }),
    ).rejects.toThrow(/at least 32 bytes/)
  })

  it('refuses keys without a pinned algorithm or with an unsupported one', async () => {
    const { ed } = await keys()
    const { alg: _alg, ...unpinned } = ed
    await expect(createKeySet({ keys: [unpinned as SigningJwk] })).rejects.toThrow(/'alg' is required/)
    await expect(createKeySet({ keys: [{ ...ed, alg: 'none' as 'EdDSA' }] })).rejects.toThrow(/not supported/)
  })

  it('rejects a token signed by another key with the same kid (bad signature)', async () => {
    const { keySet } = await keys()
    const other = await createKeySet({ keys: [await generateSigningKey({ kid: 'ed-1' })] })
    const token = await issueIdentityToken(other, { sub: 'a', audience: AUD })
    expect(await reason(verifyIdentityToken(keySet, token, { audience: AUD }))).toBe('bad_signature')
  })

  it('rejects a token whose payload was edited after signing', async () => {
    const { keySet } = await keys()
    const token = await issueIdentityToken(keySet, { sub: 'a', roles: ['reader'], audience: AUD })
    const [h, p, s] = token.split('.')
    const claims = JSON.parse(Buffer.from(p!, 'base64url').toString())
    const forged = `${h}.${b64({ ...claims, roles: ['admin'] })}.${s}`
    expect(await reason(verifyIdentityToken(keySet, forged, { audience: AUD }))).toBe('bad_signature')
  })

  it("rejects alg 'none'", async () => {
    const { keySet } = await keys()
    const now = Math.floor(Date.now() / 1000)
    const claims = { sub: 'root', roles: ['admin'], groups: [], tenant: 'default', iss: 'airlock', aud: AUD }
    const unsigned = `${b64({ alg: 'none', typ: 'airlock-id+jwt', kid: 'ed-1' })}.${b64({ ...claims, iat: now, nbf: now, exp: now + 60, jti: 'x', max_delegation_depth: 5 })}.`
    expect(await reason(verifyIdentityToken(keySet, unsigned, { audience: AUD }))).toBe('alg_none')
  })

  it('rejects a token whose header picks an algorithm other than the key’s (HS256 with the public key as secret)', async () => {
    const { keySet, ed } = await keys()
    // The classic confusion attack: HMAC "signed" with the public key bytes.
    const now = Math.floor(Date.now() / 1000)
    const header = b64({ alg: 'HS256', typ: 'airlock-id+jwt', kid: 'ed-1' })
    const payload = b64({
      sub: 'root',
      roles: [],
      groups: [],
      tenant: 'default',
      iss: 'airlock',
      aud: AUD,
      iat: now,
      nbf: now,
      exp: now + 60,
      jti: 'x',
      max_delegation_depth: 5,
    })
    const sig = createHmac('sha256', Buffer.from(ed.x!, 'base64url'))
      .update(`${header}.${payload}`)
      .digest('base64url')
    expect(await reason(verifyIdentityToken(keySet, `${header}.${payload}.${sig}`, { audience: AUD }))).toBe(
      'wrong_algorithm',
    )
  })

  it('rejects an expired token, and one not yet valid, beyond the clock tolerance', async () => {
    const { keySet } = await keys()
    const token = await issueIdentityToken(keySet, { sub: 'a', audience: AUD, ttl_s: 60, now: T0 })
    await expect(verifyIdentityToken(keySet, token, { audience: AUD, now: at(64) })).resolves.toMatchObject({
      actor_id: 'a',
    })
    expect(await reason(verifyIdentityToken(keySet, token, { audience: AUD, now: at(66) }))).toBe('expired')
    expect(await reason(verifyIdentityToken(keySet, token, { audience: AUD, now: at(-6) }))).toBe(
      'not_yet_valid',
    )
    await expect(verifyIdentityToken(keySet, token, { audience: AUD, now: at(-4) })).resolves.toMatchObject({
      actor_id: 'a',
    })
  })

  it('rejects the wrong audience and the wrong issuer', async () => {
    const { keySet, ed } = await keys()
    const token = await issueIdentityToken(keySet, { sub: 'a', audience: AUD })
    expect(await reason(verifyIdentityToken(keySet, token, { audience: 'other' }))).toBe('wrong_audience')
    const foreign = await createKeySet({ keys: [ed], issuer: 'someone-else' })
    const foreignToken = await issueIdentityToken(foreign, { sub: 'a', audience: AUD })
    expect(await reason(verifyIdentityToken(keySet, foreignToken, { audience: AUD }))).toBe('wrong_issuer')
  })

  it('rejects an execution ticket presented as an identity', async () => {
    const { keySet } = await keys()
    const { token } = await issueTicket(keySet, { action: 'deploy', caller: 'a', audit_id: 'evt-1' })
    expect(await reason(verifyIdentityToken(keySet, token, { audience: AUD }))).toMatch(
      /wrong_type|wrong_audience/,
    )
    // Even with no audience in the way, the typ header alone refuses it.
    const ticketWithAud = await issueTicket(keySet, {
      action: 'deploy',
      caller: 'a',
      audit_id: 'evt-1',
      audience: AUD,
    })
    expect(await reason(verifyIdentityToken(keySet, ticketWithAud.token, { audience: AUD }))).toBe(
      'wrong_type',
    )
  })

  it('rejects malformed tokens and unknown key ids', async () => {
    const { keySet } = await keys()
    expect(await reason(verifyIdentityToken(keySet, 'not-a-token', { audience: AUD }))).toBe('malformed')
    expect(await reason(verifyIdentityToken(keySet, 'eyJ.eyJ.x', { audience: AUD }))).toBe('malformed')
    const other = await createKeySet({ keys: [await generateSigningKey({ kid: 'ed-2' })] })
    const token = await issueIdentityToken(other, { sub: 'a', audience: AUD })
    expect(await reason(verifyIdentityToken(keySet, token, { audience: AUD }))).toBe('unknown_key')
  })

  it('keeps verifying tokens of a retired key during a rotation', async () => {
    const old = await generateSigningKey({ kid: 'old' })
    const next = await generateSigningKey({ kid: 'new' })
    const before = await createKeySet({ keys: [old] })
    const during = await createKeySet({ keys: [old, next], signing_kid: 'new' })
    const oldToken = await issueIdentityToken(before, { sub: 'a', audience: AUD })
    const newToken = await issueIdentityToken(during, { sub: 'b', audience: AUD })
    expect(JSON.parse(Buffer.from(newToken.split('.')[0]!, 'base64url').toString()).kid).toBe('new')
    await expect(verifyIdentityToken(during, oldToken, { audience: AUD })).resolves.toMatchObject({
      actor_id: 'a',
    })
  })
})

describe('resolveCaller', () => {
  it('turns a valid token into its principal', async () => {
    const { keySet } = await keys()
    const token = await issueIdentityToken(keySet, { sub: 'a', roles: ['r'], audience: AUD })
    await expect(resolveCaller(token, { keySet, audience: AUD })).resolves.toMatchObject({
      actor_id: 'a',
      roles: ['r'],
    })
  })

  it('rejects an invalid token instead of treating it as a caller name, even when names are allowed', async () => {
    const { keySet } = await keys()
    const token = await issueIdentityToken(keySet, {
      sub: 'a',
      audience: AUD,
      ttl_s: 1,
      now: new Date(Date.now() - 3_600_000),
    })
    await expect(
      resolveCaller(token, { keySet, audience: AUD, allow_plain_names: true }),
    ).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
      details: { reason: 'expired' },
    })
    await expect(
      resolveCaller('a.b.c', { keySet, audience: AUD, allow_plain_names: true }),
    ).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
    })
  })

  it('accepts a plain name only when allowed', async () => {
    const { keySet } = await keys()
    await expect(resolveCaller('deploy-agent-01', { keySet, audience: AUD })).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
      details: { reason: 'plain_name_not_allowed' },
    })
    await expect(
      resolveCaller('deploy-agent-01', { keySet, audience: AUD, allow_plain_names: true }),
    ).resolves.toMatchObject({ actor_id: 'deploy-agent-01', roles: [], auth: 'plain_name' })
  })
})
