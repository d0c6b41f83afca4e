import { describe, expect, it } from 'vitest'
import { AirlockError } from '../../errors/airlock-error.js'
import { apiKeyAuth } from './api-key-auth.js'
import { API_KEY_PREFIX, generateApiKey, hashApiKey } from './generate-api-key.js'

const key = generateApiKey()
const other = generateApiKey()
const backend = apiKeyAuth({
  keys: [
    {
      id: 'ci',
      sha256: hashApiKey(key),
      actor_id: 'ci-bot',
      roles: ['deployer'],
      scopes: ['deploy'],
      tenant_id: 'acme',
    },
    { id: 'ops', sha256: hashApiKey(other).toUpperCase(), actor_id: 'ops' },
  ],
})

function request(headers: Record<string, string>): Request {
  return new Request('http://localhost/x', { headers })
}

async function rejection(promise: Promise<unknown>): Promise<AirlockError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  if (!AirlockError.isInstance(error)) throw new Error(`expected an AirlockError, got ${String(error)}`)
  return error
}

describe('generateApiKey', () => {
  it('makes prefixed keys with 32 random bytes that never repeat', () => {
    expect(key.startsWith(API_KEY_PREFIX)).toBe(true)
    expect(Buffer.from(key.slice(API_KEY_PREFIX.length), 'base64url')).toHaveLength(32)
    expect(key).not.toBe(other)
  })

  it('hashes to lower-case hex SHA-256', () => {
    expect(hashApiKey('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad')
  })
})

describe('apiKeyAuth', () => {
  it('accepts a bearer key and maps its principal', async () => {
    const principal = await backend.authenticate(request({ authorization: `Bearer ${key}` }))
    expect(principal).toMatchObject({
      actor_id: 'ci-bot',
      roles: ['deployer'],
      scopes: ['deploy'],
      tenant_id: 'acme',
      auth: 'api_key',
    })
  })

  it('accepts the key in X-API-Key and puts callers without a tenant in the default one', async () => {
    const principal = await backend.authenticate(request({ 'x-api-key': other }))
    expect(principal).toMatchObject({ actor_id: 'ops', tenant_id: 'default', roles: [] })
  })

  it('accepts a lower-case bearer scheme', async () => {
    expect(await backend.authenticate(request({ authorization: `bearer ${key}` }))).not.toBeNull()
  })

  it('does not apply when no key is sent, or another scheme is used', async () => {
    expect(await backend.authenticate(request({}))).toBeNull()
    expect(await backend.authenticate(request({ authorization: 'Basic dXNlcjpwYXNz' }))).toBeNull()
  })

  it('rejects a wrong key in either place', async () => {
    expect((await rejection(backend.authenticate(request({ authorization: `Bearer ${key}x` })))).code).toBe(
      'UNAUTHENTICATED',
    )
    expect((await rejection(backend.authenticate(request({ 'x-api-key': 'ak_nope' })))).message).toBe(
      'Invalid API key',
    )
  })

  it('rejects a bearer scheme without a token', async () => {
    expect((await rejection(backend.authenticate(request({ authorization: 'Bearer ' })))).code).toBe(
      'UNAUTHENTICATED',
    )
  })

  it('prefers X-API-Key over Authorization, so a wrong header key is not rescued by a right bearer one', async () => {
    const error = await rejection(
      backend.authenticate(request({ 'x-api-key': 'wrong', authorization: `Bearer ${key}` })),
    )
    expect(error.code).toBe('UNAUTHENTICATED')
  })

  it('reads a custom header name', async () => {
    const custom = apiKeyAuth({
      header: 'X-Agent-Key',
      keys: [{ id: 'a', sha256: hashApiKey(key), actor_id: 'a' }],
    })
    expect(await custom.authenticate(request({ 'x-agent-key': key }))).toMatchObject({ actor_id: 'a' })
  })

  it('refuses configurations that store keys instead of hashes, or repeat a key', () => {
    expect(() => apiKeyAuth({ keys: [{ id: 'a', sha256: key, actor_id: 'a' }] })).toThrow(/64 hex characters/)
    expect(() =>
      apiKeyAuth({
        keys: [
          { id: 'a', sha256: hashApiKey(key), actor_id: 'a' },
          { id: 'b', sha256: hashApiKey(key), actor_id: 'b' },
        ],
      }),
    ).toThrow(/same hash/)
    expect(() => apiKeyAuth({ keys: [{ id: '', sha256: hashApiKey(key), actor_id: 'a' }] })).toThrow(/id/)
    expect(() => apiKeyAuth({ keys: [], header: 'authorization' })).toThrow(/header/)
  })
})
