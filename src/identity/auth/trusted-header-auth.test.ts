import { describe, expect, it } from 'vitest'
import { AirlockError } from '../../errors/airlock-error.js'
import { trustedHeaderAuth } from './trusted-header-auth.js'

const SECRET = 'proxy-secret-0123456789'

function request(headers: Record<string, string>): Request {
  return new Request('http://localhost/x', { headers })
}

async function failure(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  if (!AirlockError.isInstance(error)) throw new Error('expected an AirlockError')
  expect(error.code).toBe('UNAUTHENTICATED')
  return error.message
}

describe('trustedHeaderAuth', () => {
  const withSecret = trustedHeaderAuth({ shared_secret: SECRET })

  it('maps actor, roles and tenant when the proxy secret matches', async () => {
    const principal = await withSecret.authenticate(
      request({
        'x-airlock-proxy-secret': SECRET,
        'x-actor-id': 'alice',
        'x-roles': ' admin, ops,,finance ',
        'x-tenant-id': 'acme',
      }),
    )
    expect(principal).toMatchObject({
      actor_id: 'alice',
      roles: ['admin', 'ops', 'finance'],
      tenant_id: 'acme',
      auth: 'headers',
    })
  })

  it('rejects identity headers without the secret, or with a wrong one', async () => {
    expect(
      await failure(withSecret.authenticate(request({ 'x-actor-id': 'alice', 'x-roles': 'admin' }))),
    ).toMatch(/not trusted/)
    expect(
      await failure(
        withSecret.authenticate(request({ 'x-actor-id': 'alice', 'x-airlock-proxy-secret': `${SECRET}x` })),
      ),
    ).toMatch(/does not match/)
  })

  it('does not apply to a request without identity headers or secret', async () => {
    expect(await withSecret.authenticate(request({ authorization: 'Bearer abc' }))).toBeNull()
  })

  it('rejects an empty actor instead of taking it as a name', async () => {
    expect(
      await failure(
        withSecret.authenticate(request({ 'x-airlock-proxy-secret': SECRET, 'x-actor-id': ' ' })),
      ),
    ).toMatch(/empty/)
  })

  it('puts a caller without a tenant header in the default tenant', async () => {
    const principal = await trustedHeaderAuth().authenticate(
      request({ 'x-actor-id': 'gw-user', 'x-tenant-id': '' }),
    )
    expect(principal).toMatchObject({ actor_id: 'gw-user', tenant_id: 'default', roles: [] })
  })

  it('uses a custom secret header name', async () => {
    const backend = trustedHeaderAuth({ shared_secret: SECRET, header: 'X-Gateway-Token' })
    expect(
      await backend.authenticate(request({ 'x-gateway-token': SECRET, 'x-actor-id': 'a' })),
    ).toMatchObject({
      actor_id: 'a',
    })
  })

  it('refuses a short secret', () => {
    expect(() => trustedHeaderAuth({ shared_secret: 'short' })).toThrow(/at least 16/)
  })
})
