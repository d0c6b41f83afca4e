import { describe, expect, it } from 'vitest'
import { anonymousAuth } from './anonymous-auth.js'

describe('anonymousAuth', () => {
  it('accepts every request as one fixed caller marked anonymous', async () => {
    const principal = await anonymousAuth({
      actor_id: 'dev',
      roles: ['viewer'],
      tenant_id: 'lab',
    }).authenticate(new Request('http://localhost/'))
    expect(principal).toMatchObject({
      actor_id: 'dev',
      roles: ['viewer'],
      tenant_id: 'lab',
      auth: 'anonymous',
    })
  })

  it('defaults to the actor anonymous in the default tenant', async () => {
    expect(await anonymousAuth().authenticate(new Request('http://localhost/'))).toMatchObject({
      actor_id: 'anonymous',
      tenant_id: 'default',
    })
  })
})
