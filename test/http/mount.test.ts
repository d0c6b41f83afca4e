import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { createAirlock } from '../../src/airlock.js'
import { createHttpApp } from '../../src/http/index.js'
import { apiKeyAuth, generateApiKey, hashApiKey } from '../../src/identity/auth/index.js'

describe('mounted apps', () => {
  it('reach apps that authenticate themselves without opening the API', async () => {
    const key = generateApiKey()
    const hooks = new Hono().post('/', (c) => c.json({ received: true }))
    const app = createHttpApp(createAirlock(), {
      auth: apiKeyAuth({ keys: [{ id: 'k', sha256: hashApiKey(key), actor_id: 'ops' }] }),
      base_path: '/airlock',
      mount: [{ path: '/slack/interactions', app: hooks }],
    })
    const hook = await app.request('/airlock/slack/interactions', { method: 'POST' })
    expect(hook.status).toBe(200)
    expect(await hook.json()).toEqual({ received: true })
    expect((await app.request('/airlock/actions')).status).toBe(401)
    expect(
      (await app.request('/airlock/actions', { headers: { authorization: `Bearer ${key}` } })).status,
    ).toBe(200)
  })

  it('refuses a mount path that is not absolute', () => {
    expect(() =>
      createHttpApp(createAirlock(), {
        auth: apiKeyAuth({ keys: [] }),
        mount: [{ path: 'slack', app: new Hono() }],
      }),
    ).toThrow(/mount path/)
  })
})
