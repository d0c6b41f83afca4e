import { exportJWK, generateKeyPair, SignJWT } from 'jose'
import { describe, expect, it } from 'vitest'
import { AirlockError } from '../../src/errors/airlock-error.js'
import { ErrorCode } from '../../src/errors/error-codes.js'
import { createHttpApp } from '../../src/http/index.js'
import { anonymousAuth, customAuth, jwtAuth, trustedHeaderAuth } from '../../src/identity/auth/index.js'
import { apiKeys, call, KEYS, makeAirlock, makeApp } from './fixtures.js'

const SECRET = 'proxy-secret-0123456789'

describe('authentication over HTTP', () => {
  it('is required: createHttpApp refuses to start without an auth option', () => {
    // @ts-expect-error auth is required
    expect(() => createHttpApp(makeAirlock(), {})).toThrow(/anonymousAuth\(\)/)
    expect(() => createHttpApp(makeAirlock(), { auth: [] })).toThrow(/non-empty/)
  })

  it('answers 401 problem+json with a Bearer challenge before revealing whether an action exists', async () => {
    const app = makeApp(makeAirlock())
    for (const [method, path] of [
      ['POST', '/actions/no_such_action/execute'],
      ['POST', '/actions/get_invoice/execute'],
      ['GET', '/actions'],
      ['GET', '/approvals'],
      ['GET', '/audit'],
      ['GET', '/no/such/route'],
    ] as const) {
      const res = await call(
        app,
        method,
        path,
        method === 'POST' ? { body: { inputs: { garbage: true } } } : {},
      )
      expect(res.status, `${method} ${path}`).toBe(401)
      expect(res.type).toBe('application/problem+json')
      expect(res.headers.get('www-authenticate')).toBe('Bearer')
      expect(res.json).toMatchObject({ code: 'UNAUTHENTICATED', status: 401 })
    }
  })

  it('marks a rejected credential as an invalid token', async () => {
    const res = await call(makeApp(makeAirlock()), 'GET', '/actions', { key: 'ak_wrong' })
    expect(res.status).toBe(401)
    expect(res.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"')
  })

  it('answers 401 for garbage Authorization headers', async () => {
    const app = makeApp(makeAirlock())
    for (const authorization of ['garbage', 'Bearer', 'Basic Zm9vOmJhcg==', `Bearer ${'x'.repeat(5000)}`]) {
      const res = await app.request('/actions', { headers: { authorization } })
      expect(res.status, authorization.slice(0, 20)).toBe(401)
    }
  })

  it('serves health, ready and openapi.json without credentials', async () => {
    const app = makeApp(makeAirlock())
    for (const path of ['/health', '/ready', '/openapi.json'])
      expect((await call(app, 'GET', path)).status).toBe(200)
  })

  it('ignores trusted identity headers unless trustedHeaderAuth is configured', async () => {
    const app = makeApp(makeAirlock())
    const res = await call(app, 'GET', '/actions', {
      headers: { 'x-actor-id': 'admin', 'x-roles': 'admin,approver' },
    })
    expect(res.status).toBe(401)
  })

  it('accepts trusted headers only with the proxy secret when configured with one', async () => {
    const app = makeApp(makeAirlock(), { auth: trustedHeaderAuth({ shared_secret: SECRET }) })
    const spoofed = await call(app, 'GET', '/approvals', {
      headers: { 'x-actor-id': 'eve', 'x-roles': 'approver' },
    })
    expect(spoofed.status).toBe(401)
    const proxied = await call(app, 'POST', '/actions/get_invoice/execute', {
      headers: { 'x-actor-id': 'gw-user', 'x-tenant-id': 'acme', 'x-airlock-proxy-secret': SECRET },
      body: { inputs: { invoice_id: 'i' } },
    })
    expect(proxied.status).toBe(200)
    const audit = await call(app, 'GET', '/audit?status=executed', {
      headers: { 'x-actor-id': 'gw-user', 'x-tenant-id': 'acme', 'x-airlock-proxy-secret': SECRET },
    })
    expect(audit.json.items).toMatchObject([{ actor: 'gw-user', tenant_id: 'acme' }])
  })

  it('accepts JWTs and API keys side by side', async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256')
    const jwt = jwtAuth({ issuer: 'https://idp', audience: 'airlock', keys: await exportJWK(publicKey) })
    const app = makeApp(makeAirlock(), { auth: [apiKeys, jwt] })
    const token = await new SignJWT({ sub: 'jwt-agent', tenant: 'acme' })
      .setProtectedHeader({ alg: 'ES256' })
      .setIssuer('https://idp')
      .setAudience('airlock')
      .setExpirationTime('1m')
      .sign(privateKey)
    const viaJwt = await call(app, 'POST', '/actions/get_invoice/execute', {
      key: token,
      body: { inputs: { invoice_id: 'i' } },
    })
    expect(viaJwt.status).toBe(200)
    const viaKey = await call(app, 'GET', '/actions', { key: KEYS.alice })
    expect(viaKey.status).toBe(200)
    const forged = await call(app, 'GET', '/actions', { key: `${token.slice(0, -4)}AAAA` })
    expect(forged.status).toBe(401)
  })

  it('runs a custom backend and lets it reject', async () => {
    const custom = customAuth((request) => {
      const session = request.headers.get('cookie')
      if (session === null) return null
      if (session !== 'session=ok') throw Object.assign(new Error('x'), {})
      return {
        actor_id: 'web',
        roles: [],
        groups: [],
        scopes: [],
        tenant_id: 'default',
        delegation_chain: [],
        auth: 'session',
      }
    })
    const app = makeApp(makeAirlock(), { auth: custom })
    expect((await call(app, 'GET', '/actions', { headers: { cookie: 'session=ok' } })).status).toBe(200)
    expect((await call(app, 'GET', '/actions')).status).toBe(401)
    const broken = await call(app, 'GET', '/actions', { headers: { cookie: 'session=bad' } })
    expect(broken.status).toBe(401)
    expect(broken.type).toContain('application/problem+json')
    expect(broken.json).toMatchObject({ code: 'UNAUTHENTICATED' })
  })

  it('answers 503 when a custom backend says its directory is unavailable', async () => {
    const custom = customAuth(() => {
      throw new AirlockError(ErrorCode.STORE_ERROR, 'directory unreachable')
    })
    const res = await call(makeApp(makeAirlock(), { auth: custom }), 'GET', '/actions', {
      headers: { cookie: 'session=ok' },
    })
    expect(res.status).toBe(503)
    expect(res.json).toMatchObject({ code: 'STORE_ERROR' })
  })

  it('serves anonymous callers only when anonymousAuth is passed explicitly', async () => {
    const app = makeApp(makeAirlock(), { auth: anonymousAuth() })
    const res = await call(app, 'POST', '/actions/get_invoice/execute', {
      body: { inputs: { invoice_id: 'i' } },
    })
    expect(res.status).toBe(200)
  })
})

describe('tenant isolation', () => {
  async function setup() {
    const app = makeApp(makeAirlock())
    const held = await call(app, 'POST', '/actions/issue_refund/execute', {
      key: KEYS.alice,
      body: { inputs: { invoice_id: 'inv_1', amount: 10 } },
    })
    return { app, id: held.json.approval_id as string }
  }

  it('hides another tenant’s approvals from lists', async () => {
    const { app } = await setup()
    const res = await call(app, 'GET', '/approvals', { key: KEYS.mallory })
    expect(res.json.items).toEqual([])
  })

  it('answers 404, not 403, for another tenant’s approval id on get, approve and reject', async () => {
    const { app, id } = await setup()
    for (const [method, path] of [
      ['GET', `/approvals/${id}`],
      ['POST', `/approvals/${id}/approve`],
      ['POST', `/approvals/${id}/reject`],
    ] as const) {
      const res = await call(app, method, path, {
        key: KEYS.mallory,
        ...(method === 'POST' ? { body: {} } : {}),
      })
      expect(res.status, path).toBe(404)
      expect(res.json).toMatchObject({ code: 'APPROVAL_NOT_FOUND' })
    }
    const still = await call(app, 'GET', `/approvals/${id}`, { key: KEYS.carol })
    expect(still.json.status).toBe('pending')
  })

  it('shows each tenant only its own audit events, whatever the query says', async () => {
    const { app } = await setup()
    await call(app, 'POST', '/actions/get_invoice/execute', {
      key: KEYS.mallory,
      body: { inputs: { invoice_id: 'g' } },
    })
    const acme = await call(app, 'GET', '/audit', { key: KEYS.carol })
    const globex = await call(app, 'GET', '/audit', { key: KEYS.mallory })
    const tenants = (items: unknown) => new Set((items as { tenant_id: string }[]).map((e) => e.tenant_id))
    expect(tenants(acme.json.items)).toEqual(new Set(['acme']))
    expect(tenants(globex.json.items)).toEqual(new Set(['globex']))
    const sneaky = await call(app, 'GET', '/audit?tenant_id=acme', { key: KEYS.mallory })
    expect(sneaky.status).toBe(400)
  })

  it('refuses a cursor issued to another tenant', async () => {
    const { app } = await setup()
    await call(app, 'POST', '/actions/get_invoice/execute', {
      key: KEYS.alice,
      body: { inputs: { invoice_id: 'a' } },
    })
    const page = await call(app, 'GET', '/audit?limit=1', { key: KEYS.carol })
    const cursor = page.json.next_cursor as string
    expect(cursor).toEqual(expect.any(String))
    const res = await call(app, 'GET', `/audit?limit=1&cursor=${cursor}`, { key: KEYS.mallory })
    expect(res.status).toBe(400)
    expect(res.json).toMatchObject({ code: 'BAD_REQUEST' })
  })
})
