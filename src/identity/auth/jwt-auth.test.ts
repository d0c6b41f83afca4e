import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { exportJWK, exportSPKI, generateKeyPair, type JWK, SignJWT, UnsecuredJWT } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AirlockError } from '../../errors/airlock-error.js'
import { jwtAuth } from './jwt-auth.js'

const ISSUER = 'https://idp.example'
const AUDIENCE = 'airlock'

let ed: CryptoKeyPair
let rsa: CryptoKeyPair
let edJwk: JWK
let server: Server
let jwksUrl: string

beforeAll(async () => {
  ed = await generateKeyPair('EdDSA', { extractable: true })
  rsa = await generateKeyPair('RS256', { extractable: true })
  edJwk = { ...(await exportJWK(ed.publicKey)), kid: 'ed-1' }
  server = createServer((_req, res) => {
    res.setHeader('content-type', 'application/json')
    res.end(JSON.stringify({ keys: [edJwk] }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`
})

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve))
})

function sign(claims: Record<string, unknown>, key: CryptoKey | Uint8Array = ed.privateKey, alg = 'EdDSA') {
  return new SignJWT(claims)
    .setProtectedHeader({ alg, kid: 'ed-1' })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(key)
}

function bearer(token: string): Request {
  return new Request('http://localhost/x', { headers: { authorization: `Bearer ${token}` } })
}

async function rejected(promise: Promise<unknown>): Promise<string> {
  const e = await promise.then(
    () => undefined,
    (x: unknown) => x,
  )
  if (!AirlockError.isInstance(e)) throw new Error(`expected an AirlockError, got ${String(e)}`)
  expect(e.code).toBe('UNAUTHENTICATED')
  return e.message
}

describe('jwtAuth', () => {
  it('verifies a token against a JWK and maps sub, roles, scope and tenant', async () => {
    const backend = jwtAuth({ issuer: ISSUER, audience: AUDIENCE, keys: edJwk })
    const token = await sign({ sub: 'agent-7', roles: ['deployer'], scope: 'deploy read', tenant: 'acme' })
    expect(await backend.authenticate(bearer(token))).toEqual({
      actor_id: 'agent-7',
      roles: ['deployer'],
      groups: [],
      scopes: ['deploy', 'read'],
      tenant_id: 'acme',
      delegation_chain: [],
      auth: 'jwt',
    })
  })

  it('fetches keys from a JWKS URL on a loopback host', async () => {
    const backend = jwtAuth({ issuer: ISSUER, audience: AUDIENCE, jwks_url: jwksUrl })
    expect(await backend.authenticate(bearer(await sign({ sub: 'remote' })))).toMatchObject({
      actor_id: 'remote',
      tenant_id: 'default',
    })
  })

  it('verifies with a PEM public key', async () => {
    const backend = jwtAuth({ issuer: ISSUER, audience: AUDIENCE, keys: await exportSPKI(rsa.publicKey) })
    const token = await sign({ sub: 'rsa-user', scp: ['a', 'b'] }, rsa.privateKey, 'RS256')
    expect(await backend.authenticate(bearer(token))).toMatchObject({
      actor_id: 'rsa-user',
      scopes: ['a', 'b'],
    })
  })

  it('verifies HS256 with a shared secret', async () => {
    const secret = 'a-shared-secret-of-at-least-32-bytes!'
    const backend = jwtAuth({ issuer: ISSUER, audience: AUDIENCE, keys: secret })
    const token = await sign({ sub: 'hs' }, new TextEncoder().encode(secret), 'HS256')
    expect(await backend.authenticate(bearer(token))).toMatchObject({ actor_id: 'hs' })
  })

  it('maps custom claim names, including namespaced and dotted ones', async () => {
    const backend = jwtAuth({
      issuer: ISSUER,
      audience: AUDIENCE,
      keys: edJwk,
      claims: {
        actor: 'email',
        roles: 'realm_access.roles',
        scopes: 'https://app.example/scopes',
        tenant: 'org',
      },
    })
    const token = await sign({
      sub: 'x',
      email: 'dev@example.com',
      realm_access: { roles: ['admin'] },
      'https://app.example/scopes': 'a,b',
      org: 'globex',
    })
    expect(await backend.authenticate(bearer(token))).toMatchObject({
      actor_id: 'dev@example.com',
      roles: ['admin'],
      scopes: ['a', 'b'],
      tenant_id: 'globex',
    })
  })

  it('rejects a wrong issuer, a wrong audience, an expired token and a bad signature', async () => {
    const backend = jwtAuth({ issuer: ISSUER, audience: AUDIENCE, keys: edJwk })
    const other = await generateKeyPair('EdDSA')
    const wrongIssuer = await new SignJWT({ sub: 'x' })
      .setProtectedHeader({ alg: 'EdDSA' })
      .setIssuer('https://evil')
      .setAudience(AUDIENCE)
      .setExpirationTime('5m')
      .sign(ed.privateKey)
    const wrongAudience = await new SignJWT({ sub: 'x' })
      .setProtectedHeader({ alg: 'EdDSA' })
      .setIssuer(ISSUER)
      .setAudience('other')
      .setExpirationTime('5m')
      .sign(ed.privateKey)
    const expired = await new SignJWT({ sub: 'x' })
      .setProtectedHeader({ alg: 'EdDSA' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 120)
      .sign(ed.privateKey)
    expect(await rejected(backend.authenticate(bearer(wrongIssuer)))).toMatch(/iss/)
    expect(await rejected(backend.authenticate(bearer(wrongAudience)))).toMatch(/aud/)
    expect(await rejected(backend.authenticate(bearer(expired)))).toMatch(/exp/)
    expect(await rejected(backend.authenticate(bearer(await sign({ sub: 'x' }, other.privateKey))))).toMatch(
      /Invalid bearer token/,
    )
  })

  it('tolerates clock skew within clock_tolerance', async () => {
    const backend = jwtAuth({ issuer: ISSUER, audience: AUDIENCE, keys: edJwk, clock_tolerance: 60 })
    const justExpired = await new SignJWT({ sub: 'x' })
      .setProtectedHeader({ alg: 'EdDSA' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 20)
      .sign(ed.privateKey)
    expect(await backend.authenticate(bearer(justExpired))).toMatchObject({ actor_id: 'x' })
  })

  it('rejects unsigned tokens and algorithms outside the pinned list', async () => {
    const backend = jwtAuth({ issuer: ISSUER, audience: AUDIENCE, keys: edJwk, algorithms: ['EdDSA'] })
    const unsigned = new UnsecuredJWT({ sub: 'x' }).setIssuer(ISSUER).setAudience(AUDIENCE).encode()
    await rejected(backend.authenticate(bearer(unsigned)))
    const rs = await sign({ sub: 'x' }, rsa.privateKey, 'RS256')
    expect(await rejected(backend.authenticate(bearer(rs)))).toMatch(/alg/)
  })

  it('rejects an HMAC token signed with the public key (algorithm confusion)', async () => {
    const pem = await exportSPKI(rsa.publicKey)
    const backend = jwtAuth({ issuer: ISSUER, audience: AUDIENCE, keys: pem })
    const forged = await sign({ sub: 'admin' }, new TextEncoder().encode(pem), 'HS256')
    await rejected(backend.authenticate(bearer(forged)))
  })

  it('rejects a token without the actor claim', async () => {
    const backend = jwtAuth({ issuer: ISSUER, audience: AUDIENCE, keys: edJwk })
    expect(await rejected(backend.authenticate(bearer(await sign({}))))).toMatch(/'sub'/)
  })

  it('leaves bearer tokens that are not JWTs to other backends', async () => {
    const backend = jwtAuth({ issuer: ISSUER, audience: AUDIENCE, keys: edJwk })
    expect(await backend.authenticate(bearer('ak_opaque-api-key'))).toBeNull()
    expect(await backend.authenticate(new Request('http://localhost/x'))).toBeNull()
  })

  it('refuses unsafe configurations', async () => {
    const base = { issuer: ISSUER, audience: AUDIENCE }
    expect(() => jwtAuth({ ...base, keys: edJwk, algorithms: ['none'] })).toThrow(/never accepted/)
    expect(() => jwtAuth({ ...base, keys: 'too-short' })).toThrow(/at least 32 bytes/)
    expect(() => jwtAuth({ ...base, keys: edJwk, algorithms: ['HS256'] })).toThrow(/cannot be used/)
    expect(() => jwtAuth({ ...base, jwks_url: 'http://idp.example/jwks' })).toThrow(/https/)
    expect(() => jwtAuth({ ...base, keys: edJwk, jwks_url: jwksUrl })).toThrow(/exactly one/)
    expect(() => jwtAuth({ ...base })).toThrow(/exactly one/)
    const privateJwk = await exportJWK(ed.privateKey)
    expect(() => jwtAuth({ ...base, keys: privateJwk })).toThrow(/public/)
  })

  describe('binding a token in time and to a tenant', () => {
    // A getter: the key is made in beforeAll.
    const base = {
      issuer: ISSUER,
      audience: AUDIENCE,
      get keys() {
        return edJwk
      },
    }
    const unsigned = (claims: Record<string, unknown>) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'EdDSA', kid: 'ed-1' })
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)

    it('refuses a token without exp', async () => {
      const forever = await unsigned({ sub: 'x' }).setIssuedAt().sign(ed.privateKey)
      expect(await rejected(jwtAuth(base).authenticate(bearer(forever)))).toMatch(/exp/)
    })

    it('refuses a token living longer than max_lifetime_s (24 h by default)', async () => {
      const week = await unsigned({ sub: 'x' }).setIssuedAt().setExpirationTime('7d').sign(ed.privateKey)
      expect(await rejected(jwtAuth(base).authenticate(bearer(week)))).toMatch(/longer than the 86400 s/)
      expect(await jwtAuth({ ...base, max_lifetime_s: 8 * 86_400 }).authenticate(bearer(week))).toMatchObject(
        {
          actor_id: 'x',
        },
      )
      // Without iat, the lifetime counts from now.
      const noIat = await unsigned({ sub: 'x' }).setExpirationTime('2h').sign(ed.privateKey)
      expect(await rejected(jwtAuth({ ...base, max_lifetime_s: 3600 }).authenticate(bearer(noIat)))).toMatch(
        /longer than/,
      )
      expect(() => jwtAuth({ ...base, max_lifetime_s: 0 })).toThrow(/max_lifetime_s/)
    })

    it('requires the tenant claim once a tenant claim is configured, instead of defaulting', async () => {
      const noTenant = await sign({ sub: 'x' })
      expect(
        await rejected(jwtAuth({ ...base, claims: { tenant: 'org' } }).authenticate(bearer(noTenant))),
      ).toMatch(/'org' claim/)
      expect(
        await rejected(jwtAuth({ ...base, require_tenant: true }).authenticate(bearer(noTenant))),
      ).toMatch(/'tenant' claim/)
      // Single-tenant set-ups keep working: no tenant mapping, no tenant claim, the default tenant.
      expect(await jwtAuth(base).authenticate(bearer(noTenant))).toMatchObject({ tenant_id: 'default' })
    })
  })
})
