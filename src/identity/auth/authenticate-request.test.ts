import { describe, expect, it } from 'vitest'
import { AirlockError } from '../../errors/airlock-error.js'
import { ErrorCode } from '../../errors/error-codes.js'
import { anonymousAuth } from './anonymous-auth.js'
import { apiKeyAuth } from './api-key-auth.js'
import { authenticateRequest } from './authenticate-request.js'
import { customAuth } from './custom-auth.js'
import { hashApiKey } from './generate-api-key.js'

const keys = apiKeyAuth({ keys: [{ id: 'k', sha256: hashApiKey('ak_good'), actor_id: 'keyed' }] })
const sso = customAuth(
  (request) =>
    request.headers.get('authorization') === 'Bearer sso-token'
      ? {
          actor_id: 'sso-user',
          roles: [],
          groups: [],
          scopes: [],
          tenant_id: 'default',
          delegation_chain: [],
          auth: 'sso',
        }
      : null,
  { name: 'sso' },
)

function request(headers: Record<string, string> = {}): Request {
  return new Request('http://localhost/x', { headers })
}

async function error(promise: Promise<unknown>): Promise<AirlockError> {
  const e = await promise.then(
    () => undefined,
    (x: unknown) => x,
  )
  if (!AirlockError.isInstance(e)) throw new Error('expected an AirlockError')
  return e
}

describe('authenticateRequest', () => {
  it('returns the first backend that accepts', async () => {
    expect(
      (await authenticateRequest([keys, sso], request({ authorization: 'Bearer ak_good' }))).actor_id,
    ).toBe('keyed')
  })

  it('lets a later backend verify a token an earlier one rejected', async () => {
    expect(
      (await authenticateRequest([keys, sso], request({ authorization: 'Bearer sso-token' }))).actor_id,
    ).toBe('sso-user')
  })

  it('answers with the rejection when nothing else verifies the credential', async () => {
    const e = await error(authenticateRequest([keys, sso], request({ authorization: 'Bearer ak_bad' })))
    expect(e.code).toBe(ErrorCode.UNAUTHENTICATED)
    expect(e.details).toEqual({ credential: 'invalid' })
  })

  it('never falls back to anonymous after a credential was rejected', async () => {
    const e = await error(
      authenticateRequest([keys, anonymousAuth()], request({ authorization: 'Bearer ak_bad' })),
    )
    expect(e.code).toBe(ErrorCode.UNAUTHENTICATED)
  })

  it('falls back to anonymous when no credential was sent', async () => {
    const principal = await authenticateRequest([keys, anonymousAuth({ roles: ['viewer'] })], request())
    expect(principal).toMatchObject({ actor_id: 'anonymous', auth: 'anonymous', roles: ['viewer'] })
  })

  it('says a credential is missing when none of the backends applies', async () => {
    const e = await error(authenticateRequest([keys], request()))
    expect(e.details).toEqual({ credential: 'missing' })
  })

  it('treats a custom backend that throws as a failed authentication, without quoting its error', async () => {
    const broken = customAuth(() => {
      throw new Error('ldap bind failed for password hunter2')
    })
    const e = await error(authenticateRequest([broken], request()))
    expect(e.code).toBe(ErrorCode.UNAUTHENTICATED)
    expect(e.message).not.toContain('hunter2')
  })

  it('lets a custom backend say its directory is unavailable', async () => {
    const down = customAuth(() => {
      throw new AirlockError(ErrorCode.STORE_ERROR, 'directory down')
    })
    expect((await error(authenticateRequest([down], request()))).code).toBe(ErrorCode.STORE_ERROR)
  })

  it('treats a custom backend returning a principal without an actor as a server fault', async () => {
    const sloppy = customAuth(() => ({
      actor_id: '',
      roles: [],
      groups: [],
      scopes: [],
      tenant_id: 't',
      delegation_chain: [],
      auth: 'x',
    }))
    expect((await error(authenticateRequest([sloppy], request()))).code).toBe(ErrorCode.INTERNAL)
  })
})
