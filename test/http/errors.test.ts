import { describe, expect, it } from 'vitest'
import { AirlockError } from '../../src/errors/airlock-error.js'
import { ErrorCode } from '../../src/errors/error-codes.js'
import { createHttpApp, type HttpLogger } from '../../src/http/index.js'
import { memoryStore } from '../../src/store/memory/index.js'
import { apiKeys, call, KEYS, makeAirlock, makeApp } from './fixtures.js'

function capture(): {
  logger: HttpLogger
  lines: { level: string; object: Record<string, unknown>; message?: string }[]
} {
  const lines: { level: string; object: Record<string, unknown>; message?: string }[] = []
  const at = (level: string) => (object: Record<string, unknown>, message?: string) =>
    lines.push({ level, object, ...(message === undefined ? {} : { message }) })
  return { lines, logger: { info: at('info'), warn: at('warn'), error: at('error') } }
}

describe('errors are problem+json', () => {
  it('for unknown routes (404) and wrong methods (405 with Allow)', async () => {
    const app = makeApp(makeAirlock())
    const missing = await call(app, 'GET', '/nothing/here', { key: KEYS.alice })
    expect(missing.status).toBe(404)
    expect(missing.type).toBe('application/problem+json')
    expect(missing.json).toMatchObject({
      code: 'ROUTE_NOT_FOUND',
      type: 'urn:airlock:problem:route-not-found',
      title: 'Not found',
    })
    const wrong = await call(app, 'DELETE', '/approvals', { key: KEYS.alice })
    expect(wrong.status).toBe(405)
    expect(wrong.headers.get('allow')).toBe('GET, HEAD')
    const post = await call(app, 'GET', '/check', { key: KEYS.alice })
    expect(post.status).toBe(405)
    expect(post.headers.get('allow')).toBe('POST')
  })

  it('for a body over the limit (413), read or declared', async () => {
    const app = makeApp(makeAirlock(), { body_limit: 1000 })
    const big = JSON.stringify({ inputs: { invoice_id: 'x'.repeat(2000) } })
    const declared = await call(app, 'POST', '/actions/get_invoice/execute', {
      key: KEYS.alice,
      raw: big,
      headers: { 'content-type': 'application/json' },
    })
    expect(declared.status).toBe(413)
    expect(declared.json).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', limit_bytes: 1000 })
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 20; i++) controller.enqueue(new TextEncoder().encode(' '.repeat(100)))
        controller.close()
      },
    })
    const chunked = await app.request('/actions/get_invoice/execute', {
      method: 'POST',
      headers: { authorization: `Bearer ${KEYS.alice}`, 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit)
    expect(chunked.status).toBe(413)
  })

  it('for other media types (415) and unreadable JSON (400)', async () => {
    const app = makeApp(makeAirlock())
    const form = await call(app, 'POST', '/check', {
      key: KEYS.alice,
      raw: 'action=get_invoice',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    })
    expect(form.status).toBe(415)
    expect(form.json.detail).toContain('application/x-www-form-urlencoded')
    const missingType = await call(app, 'POST', '/check', {
      key: KEYS.alice,
      raw: new Uint8Array(Buffer.from('{"action":"x"}')),
    })
    expect(missingType.status).toBe(415)
    const invalid = await call(app, 'POST', '/check', {
      key: KEYS.alice,
      raw: '{"action":',
      headers: { 'content-type': 'application/json' },
    })
    expect(invalid.status).toBe(400)
    expect(invalid.json.detail).toMatch(/not valid JSON/)
    const charset = await call(app, 'POST', '/check', {
      key: KEYS.alice,
      raw: '{"action":"get_invoice","inputs":{"invoice_id":"x"}}',
      headers: { 'content-type': 'application/json; charset=utf-8' },
    })
    expect(charset.status).toBe(200)
  })

  it('for invalid JSON instead of running the action on an empty body', async () => {
    const app = makeApp(makeAirlock())
    for (const raw of ['', 'not json', '{"inputs":{}', '\u00ff']) {
      const res = await call(app, 'POST', '/actions/double_check/execute', {
        key: KEYS.alice,
        raw,
        headers: { 'content-type': 'application/json' },
      })
      expect(res.status, JSON.stringify(raw)).toBe(400)
    }
  })

  it('for deeply nested bodies', async () => {
    const app = makeApp(makeAirlock())
    const deep = `{"action":"get_invoice","inputs":{"a":${'['.repeat(500)}${']'.repeat(500)}}}`
    const res = await call(app, 'POST', '/check', {
      key: KEYS.alice,
      raw: deep,
      headers: { 'content-type': 'application/json' },
    })
    expect(res.status).toBe(400)
    expect(res.json.detail).toContain('nests deeper')
  })

  it('for server failures, with a fixed sentence while the log keeps the cause', async () => {
    const store = memoryStore()
    const failing = {
      ...store,
      approvals: {
        ...store.approvals,
        list: async () => {
          throw new Error('SELECT * FROM airlock_approvals failed at /var/lib/airlock/db.sqlite')
        },
      },
    }
    const { logger, lines } = capture()
    const app = makeApp(makeAirlock({ store: failing }), { logger })
    const res = await call(app, 'GET', '/approvals', { key: KEYS.alice })
    expect(res.status).toBe(500)
    expect(res.json).toEqual({
      type: 'urn:airlock:problem:internal',
      title: 'Internal error',
      status: 500,
      detail: 'The server failed to handle the request',
      code: 'INTERNAL',
      request_id: res.headers.get('x-request-id'),
    })
    const logged = lines.find((l) => l.level === 'error')
    expect(logged?.message).toContain('/var/lib/airlock/db.sqlite')
    // The log line and the answer share the id, so an operator can find one from the other.
    expect(logged?.object.request_id).toBe(res.headers.get('x-request-id'))
  })

  it('GET ready answers 503 when the store is down, without its message', async () => {
    const store = memoryStore()
    const down = {
      ...store,
      ping: async () => {
        throw new AirlockError(ErrorCode.STORE_ERROR, 'connect ECONNREFUSED 10.0.0.5:5432')
      },
    }
    const app = makeApp(makeAirlock({ store: down }))
    const res = await call(app, 'GET', '/ready')
    expect(res.status).toBe(503)
    const crashing = makeApp(
      makeAirlock({
        store: {
          ...store,
          ping: async () => {
            throw new Error('socket hang up')
          },
        },
      }),
    )
    expect((await call(crashing, 'GET', '/ready')).status).toBe(503)
    expect(res.json).toMatchObject({ code: 'STORE_UNAVAILABLE', dependencies: { store: 'down' } })
    expect(JSON.stringify(res.json)).not.toContain('10.0.0.5')
    expect((await call(app, 'GET', '/health')).status).toBe(200)
  })
})

describe('options', () => {
  it('mounts under base_path', async () => {
    const app = makeApp(makeAirlock(), { base_path: '/api/airlock/' })
    expect((await call(app, 'GET', '/api/airlock/health')).status).toBe(200)
    const held = await call(app, 'POST', '/api/airlock/actions/issue_refund/execute', {
      key: KEYS.alice,
      body: { inputs: { invoice_id: 'x', amount: 1 } },
    })
    expect(held.headers.get('location')).toBe(`/api/airlock/approvals/${held.json.approval_id}`)
    expect((await call(app, 'GET', '/health')).status).toBe(404)
    expect((await call(app, 'GET', '/api/airlock/actions')).status).toBe(401)
  })

  it('answers HEAD on GET routes', async () => {
    const res = await makeApp(makeAirlock()).request('/health', { method: 'HEAD' })
    expect(res.status).toBe(200)
  })

  it('logs one line per request with status, actor and client address', async () => {
    const { logger, lines } = capture()
    const app = makeApp(makeAirlock(), { logger, trust_proxy: true })
    await call(app, 'GET', '/actions', {
      key: KEYS.alice,
      headers: { 'x-forwarded-for': '203.0.113.9, 10.0.0.1' },
    })
    expect(lines).toEqual([
      {
        level: 'info',
        message: 'request',
        object: expect.objectContaining({
          method: 'GET',
          path: '/actions',
          status: 200,
          actor: 'alice',
          client: '203.0.113.9',
        }),
      },
    ])
  })

  it('refuses out-of-range options', () => {
    const airlock = makeAirlock()
    expect(() => createHttpApp(airlock, { auth: apiKeys, base_path: 'airlock' })).toThrow(/base_path/)
    expect(() => createHttpApp(airlock, { auth: apiKeys, body_limit: 0 })).toThrow(/body_limit/)
    expect(() => createHttpApp(airlock, { auth: apiKeys, max_page_size: 5000 })).toThrow(/max_page_size/)
    expect(() => createHttpApp(airlock, { auth: apiKeys, trust_proxy: -1 })).toThrow(/trust_proxy/)
  })
})
