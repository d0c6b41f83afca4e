import { describe, expect, it } from 'vitest'
import { AirlockError } from '../../errors/airlock-error.js'
import { delegate } from '../delegation/delegate.js'
import { generateSigningKey } from '../tokens/generate-signing-key.js'
import { issueIdentityToken } from '../tokens/identity-token.js'
import { createKeySet } from '../tokens/key-set.js'
import { publicJwks } from '../tokens/public-jwks.js'
import { apiKeyAuth } from './api-key-auth.js'
import { authenticateRequest } from './authenticate-request.js'
import { hashApiKey } from './generate-api-key.js'
import { identityTokenAuth } from './identity-token-auth.js'

const AUD = 'gateway.test'
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url')

function bearer(token: string): Request {
  return new Request('http://localhost/x', { headers: { authorization: `Bearer ${token}` } })
}

async function gateway() {
  const keys = await createKeySet({ keys: [await generateSigningKey({ kid: 'gw-1' })] })
  return { keys, backend: identityTokenAuth({ keys, audience: AUD }) }
}

async function refusal(promise: Promise<unknown>): Promise<AirlockError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  if (!AirlockError.isInstance(error)) throw new Error(`expected an AirlockError, got ${String(error)}`)
  expect(error.code).toBe('UNAUTHENTICATED')
  return error
}

describe('identityTokenAuth', () => {
  it('accepts a token minted with the gateway keys and returns its roles, groups and tenant', async () => {
    const { keys, backend } = await gateway()
    const token = await issueIdentityToken(keys, {
      sub: 'deploy-agent',
      roles: ['deployer'],
      groups: ['sre'],
      tenant: 'acme',
      audience: AUD,
    })
    await expect(backend.authenticate(bearer(token))).resolves.toEqual({
      actor_id: 'deploy-agent',
      roles: ['deployer'],
      groups: ['sre'],
      scopes: [],
      tenant_id: 'acme',
      delegation_chain: [],
      auth: 'identity_token',
    })
  })

  it('accepts a delegated token and keeps who delegated it', async () => {
    const { keys, backend } = await gateway()
    const parent = await issueIdentityToken(keys, {
      sub: 'orchestrator',
      roles: ['deployer', 'reader'],
      audience: AUD,
    })
    const child = await delegate(keys, parent, { sub: 'worker', roles: ['reader'] })
    const principal = await backend.authenticate(bearer(child.token))
    expect(principal).toMatchObject({ actor_id: 'worker', roles: ['reader'] })
    expect(principal?.delegation_chain).toEqual([
      { actor_id: 'orchestrator', roles: ['deployer', 'reader'], groups: [] },
    ])
  })

  it('verifies against the published JWKS alone', async () => {
    const { keys } = await gateway()
    const backend = identityTokenAuth({ keys: publicJwks(keys), audience: AUD })
    const token = await issueIdentityToken(keys, { sub: 'a', audience: AUD })
    await expect(backend.authenticate(bearer(token))).resolves.toMatchObject({ actor_id: 'a' })
  })

  it('rejects an expired token with the reason', async () => {
    const { keys, backend } = await gateway()
    const token = await issueIdentityToken(keys, {
      sub: 'a',
      audience: AUD,
      ttl_s: 60,
      now: new Date(Date.now() - 3_600_000),
    })
    const error = await refusal(backend.authenticate(bearer(token)))
    expect(error.details).toMatchObject({ reason: 'expired', credential: 'invalid' })
    expect(error.message).toMatch(/expired/)
  })

  it('rejects a token for another audience', async () => {
    const { keys, backend } = await gateway()
    const token = await issueIdentityToken(keys, { sub: 'a', audience: 'some-other-service' })
    expect((await refusal(backend.authenticate(bearer(token)))).details?.reason).toBe('wrong_audience')
  })

  it('rejects a token signed by another key, even one that reuses the kid', async () => {
    const { backend } = await gateway()
    const foreign = await createKeySet({ keys: [await generateSigningKey({ kid: 'other' })] })
    const sameKid = await createKeySet({ keys: [await generateSigningKey({ kid: 'gw-1' })] })
    const a = await issueIdentityToken(foreign, { sub: 'a', audience: AUD })
    const b = await issueIdentityToken(sameKid, { sub: 'a', audience: AUD })
    expect((await refusal(backend.authenticate(bearer(a)))).details?.reason).toBe('unknown_key')
    expect((await refusal(backend.authenticate(bearer(b)))).details?.reason).toBe('bad_signature')
  })

  it("rejects an unsigned token (alg 'none') that claims admin", async () => {
    const { backend } = await gateway()
    const now = Math.floor(Date.now() / 1000)
    const unsigned = `${b64({ alg: 'none', typ: 'airlock-id+jwt', kid: 'gw-1' })}.${b64({
      sub: 'root',
      roles: ['admin'],
      groups: [],
      tenant: 'default',
      iss: 'airlock',
      aud: AUD,
      iat: now,
      nbf: now,
      exp: now + 60,
      jti: 'x',
      max_delegation_depth: 5,
    })}.`
    expect((await refusal(backend.authenticate(bearer(unsigned)))).details?.reason).toBe('alg_none')
  })

  it('leaves API keys and other JWTs to the other backends', async () => {
    const { keys, backend } = await gateway()
    await expect(backend.authenticate(bearer('ak_live_123'))).resolves.toBeNull()
    await expect(backend.authenticate(new Request('http://localhost/x'))).resolves.toBeNull()
    const outsideJwt = `${b64({ alg: 'RS256', typ: 'JWT', kid: 'idp' })}.${b64({ sub: 'x' })}.sig`
    await expect(backend.authenticate(bearer(outsideJwt))).resolves.toBeNull()

    // Tried after an API-key backend, each credential reaches the backend that understands it.
    const apiKeys = apiKeyAuth({
      keys: [
        {
          id: 'k',
          sha256: hashApiKey('ak_test_key'),
          actor_id: 'key-user',
          roles: [],
          groups: [],
          scopes: [],
        },
      ],
    })
    const token = await issueIdentityToken(keys, { sub: 'token-user', audience: AUD })
    await expect(authenticateRequest([apiKeys, backend], bearer('ak_test_key'))).resolves.toMatchObject({
      actor_id: 'key-user',
    })
    await expect(authenticateRequest([apiKeys, backend], bearer(token))).resolves.toMatchObject({
      actor_id: 'token-user',
    })
  })
})
