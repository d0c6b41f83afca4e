import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createExampleServer } from '../../examples/mounting/node-http.js'
import { generateApiKey, hashApiKey } from '../../src/identity/auth/index.js'

describe('examples/mounting/node-http.ts', () => {
  const key = generateApiKey()
  const server = createExampleServer({ api_key: key })
  let base = ''

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve))
  })

  it('serves the API under /airlock next to the rest of the application', async () => {
    const health = await fetch(`${base}/airlock/health`)
    expect(await health.json()).toEqual({ status: 'ok' })
    const other = await fetch(`${base}/shop`)
    expect(await other.text()).toBe('The rest of your application\n')
  })

  it('runs an action for a caller with the key, and refuses one without', async () => {
    const ok = await fetch(`${base}/airlock/actions/greet/execute`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ inputs: { name: 'Ada' } }),
    })
    expect(ok.status).toBe(200)
    expect(await ok.json()).toMatchObject({ status: 'executed', result: { greeting: 'Hello, Ada!' } })
    const denied = await fetch(`${base}/airlock/actions`)
    expect(denied.status).toBe(401)
    expect(denied.headers.get('content-type')).toBe('application/problem+json')
  })
})

describe('examples/mounting/next-route.ts', () => {
  it('answers as a route handler under /api/airlock', async () => {
    const key = generateApiKey()
    process.env.AIRLOCK_API_KEY_SHA256 = hashApiKey(key)
    const route = await import('../../examples/mounting/next-route.js')
    const res = await route.POST(
      new Request('https://shop.example/api/airlock/actions/lookup_order/execute', {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ inputs: { order_id: 'o-1' } }),
      }),
    )
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ result: { order_id: 'o-1', state: 'shipped' } })
    const listed = await route.GET(
      new Request('https://shop.example/api/airlock/actions', {
        headers: { authorization: `Bearer ${key}` },
      }),
    )
    expect(((await listed.json()) as { actions: { name: string }[] }).actions.map((a) => a.name)).toEqual([
      'lookup_order',
    ])
  })
})

describe('examples/mounting/express.ts', () => {
  it('serves Airlock under /airlock beside the Express routes', async () => {
    const { createExpressApp } = await import('../../examples/mounting/express.js')
    const key = generateApiKey()
    const { app, close } = createExpressApp({ api_key: key })
    const server = app.listen(0, '127.0.0.1')
    await new Promise((resolve) => server.once('listening', resolve))
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    try {
      const executed = await fetch(`${base}/airlock/actions/lookup_order/execute`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ inputs: { order_id: 'o-7' } }),
      })
      expect(await executed.json()).toMatchObject({ status: 'executed', result: { order_id: 'o-7' } })
      expect((await fetch(`${base}/airlock/actions`)).status).toBe(401)
      expect(await (await fetch(`${base}/orders`)).json()).toEqual({ orders: [] })
    } finally {
      await new Promise((resolve) => server.close(resolve))
      await close()
    }
  })
})
