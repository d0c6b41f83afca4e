import { Writable } from 'node:stream'
import pino from 'pino'
import { describe, expect, it } from 'vitest'
import type { HttpLogger } from '../../src/http/index.js'
import { call, KEYS, makeAirlock, makeApp } from './fixtures.js'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

/** A real pino logger writing JSON lines into an array. */
function pinoLines(): { logger: HttpLogger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = []
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line) lines.push(JSON.parse(line))
      done()
    },
  })
  return { logger: pino({ level: 'info' }, sink), lines }
}

describe('X-Request-Id', () => {
  it('echoes a safe id the caller sends, on success, 401, 404 and in problem bodies', async () => {
    const app = makeApp(makeAirlock())
    const id = 'trace-01:abc.DEF_9'
    const ok = await call(app, 'GET', '/actions', { key: KEYS.alice, headers: { 'x-request-id': id } })
    expect(ok.status).toBe(200)
    expect(ok.headers.get('x-request-id')).toBe(id)

    const missing = await call(app, 'GET', '/nope', { key: KEYS.alice, headers: { 'x-request-id': id } })
    expect(missing.status).toBe(404)
    expect(missing.headers.get('x-request-id')).toBe(id)
    expect(missing.json).toMatchObject({ code: 'ROUTE_NOT_FOUND', request_id: id })

    const refused = await call(app, 'GET', '/actions', { key: 'wrong', headers: { 'x-request-id': id } })
    expect(refused.status).toBe(401)
    expect(refused.headers.get('x-request-id')).toBe(id)
    expect(refused.json).toMatchObject({ code: 'UNAUTHENTICATED', request_id: id })
  })

  it('replaces an unsafe or over-long id with a generated one and never echoes it', async () => {
    const app = makeApp(makeAirlock())
    for (const sent of ['a'.repeat(129), 'has space', 'semi;colon', '<script>', '']) {
      const res = await call(app, 'GET', '/nope', { key: KEYS.alice, headers: { 'x-request-id': sent } })
      const echoed = res.headers.get('x-request-id')
      expect(echoed).toMatch(UUID)
      expect((res.json as { request_id: string }).request_id).toBe(echoed)
      if (sent !== '') expect(JSON.stringify(res.json)).not.toContain(sent)
    }
    const longest = 'x'.repeat(128)
    const res = await call(app, 'GET', '/health', { headers: { 'x-request-id': longest } })
    expect(res.headers.get('x-request-id')).toBe(longest)
  })

  it('generates a different id for each request that sends none', async () => {
    const app = makeApp(makeAirlock())
    const a = await call(app, 'GET', '/health')
    const b = await call(app, 'GET', '/health')
    expect(a.headers.get('x-request-id')).toMatch(UUID)
    expect(a.headers.get('x-request-id')).not.toBe(b.headers.get('x-request-id'))
  })

  it('puts the request id on every log line of the request, with pino or a plain logger', async () => {
    const { logger, lines } = pinoLines()
    const app = makeApp(makeAirlock(), {
      logger,
      auth_throttle: { max_failures: 1, window_ms: 60_000, cooldown_ms: 60_000 },
    })
    await call(app, 'GET', '/actions', { key: KEYS.alice, headers: { 'x-request-id': 'req-from-client' } })
    await call(app, 'GET', '/actions', { key: 'wrong_key', headers: { 'x-request-id': 'bad-guess-1' } })
    expect(lines.map((l) => [l.request_id, l.msg])).toEqual([
      ['req-from-client', 'request'],
      ['bad-guess-1', 'failed authentication throttled'],
      ['bad-guess-1', 'request'],
    ])

    const plain: Record<string, unknown>[] = []
    const push = (object: Record<string, unknown>) => void plain.push(object)
    const plainApp = makeApp(makeAirlock(), { logger: { info: push, warn: push, error: push } })
    await call(plainApp, 'GET', '/nope', { key: KEYS.alice, headers: { 'x-request-id': 'r1' } })
    expect(plain).toEqual([expect.objectContaining({ request_id: 'r1', status: 404 })])
  })
})

describe('client_request_id in the audit record', () => {
  async function events(airlock: ReturnType<typeof makeAirlock>) {
    return (await airlock.audit.list({}, 100)).items
  }

  it('keeps the caller’s X-Request-Id on every event of an execute, a check and an approval', async () => {
    const airlock = makeAirlock()
    const app = makeApp(airlock)
    const sent = (id: string) => ({ 'x-request-id': id })
    await call(app, 'POST', '/actions/get_invoice/execute', {
      key: KEYS.alice,
      body: { inputs: { invoice_id: 'inv_1' } },
      headers: sent('exec-1'),
    })
    await call(app, 'POST', '/check', {
      key: KEYS.alice,
      body: { action: 'get_invoice', inputs: { invoice_id: 'inv_2' } },
      headers: sent('check-1'),
    })
    const held = await call(app, 'POST', '/actions/issue_refund/execute', {
      key: KEYS.alice,
      body: { inputs: { invoice_id: 'inv_3', amount: 5 } },
    })
    const approvalId = (held.json as { approval_id: string }).approval_id
    await call(app, 'POST', `/approvals/${approvalId}/approve`, { key: KEYS.carol, headers: sent('vote-1') })

    const byId = (id: string | undefined) =>
      events(airlock).then((all) =>
        all.filter((e) => e.context?.client_request_id === id).map((e) => e.status),
      )
    expect((await byId('exec-1')).sort()).toEqual(['executed', 'started'])
    expect(await byId('check-1')).toEqual(['allowed'])
    expect(await byId('vote-1')).toContain('approved')
    // The held request sent no id, so its own event has none.
    expect(await byId(undefined)).toContain('held')
  })

  it('is redacted like any other audited value', async () => {
    const airlock = makeAirlock({ redaction: { patterns: ['cust-[0-9]+'] } })
    const app = makeApp(airlock)
    await call(app, 'POST', '/check', {
      key: KEYS.alice,
      body: { action: 'get_invoice', inputs: { invoice_id: 'inv_1' } },
      headers: { 'x-request-id': 'cust-12345' },
    })
    const [event] = await events(airlock)
    expect(event?.context?.client_request_id).toBe('**REDACTED**')
  })

  it('refuses an unsafe id passed to the library without repeating it', async () => {
    const airlock = makeAirlock()
    const bad = 'line\nbreak'
    await expect(
      airlock.execute('get_invoice', { invoice_id: 'inv_1' }, { caller: 'agent', client_request_id: bad }),
    ).rejects.toThrow(/client_request_id must be 1 to 128 characters .*got a string of 10 characters/)
    expect(await events(airlock)).toEqual([])
  })
})
