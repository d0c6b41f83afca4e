/**
 * Every endpoint, fed malformed bodies, headers, ids and query strings, must
 * answer a 4xx problem+json (never a crash, an HTML page or a 5xx) and leave
 * the server healthy.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { call, KEYS, makeAirlock, makeApp } from './fixtures.js'

type App = ReturnType<typeof makeApp>
interface Probe {
  readonly method: string
  readonly path: string
  readonly body?: BodyInit
  readonly headers?: Record<string, string>
  readonly key?: string | null
}

const LIMIT = 4096
let app: App
let approvalId: string

beforeAll(async () => {
  app = makeApp(makeAirlock(), { body_limit: LIMIT })
  const held = await call(app, 'POST', '/actions/issue_refund/execute', {
    key: KEYS.alice,
    body: { inputs: { invoice_id: 'x', amount: 1 } },
  })
  approvalId = held.json.approval_id as string
})

const postRoutes = () => [
  '/actions/get_invoice/execute',
  '/check',
  '/check-plan',
  `/approvals/${approvalId}/approve`,
  `/approvals/${approvalId}/reject`,
]

const badBodies: readonly [string, BodyInit][] = [
  ['truncated JSON', '{"inputs":'],
  ['trailing comma', '{"inputs":{},}'],
  ['not JSON', 'inputs=1'],
  ['single quotes', "{'inputs':{}}"],
  ['top-level array', '[]'],
  ['array of objects', '[{"inputs":{}}]'],
  ['string', '"inputs"'],
  ['number', '42'],
  ['null', 'null'],
  ['boolean', 'true'],
  ['unknown field', '{"inputs":{},"action":"x","steps":[],"comment":null,"bogus":1}'],
  ['prototype key', '{"__proto__":{"admin":true},"inputs":{}}'],
  ['wrong types', '{"inputs":[],"action":5,"steps":{},"comment":[]}'],
  ['nulls', '{"inputs":null,"action":null,"steps":null,"comment":{}}'],
  ['huge body', JSON.stringify({ inputs: { invoice_id: 'x'.repeat(LIMIT * 3) } })],
  ['deep nesting', `{"inputs":{"a":${'{"a":'.repeat(200)}1${'}'.repeat(200)}}}`],
  ['invalid UTF-8', new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d])],
  ['lone surrogate escape with wrong shape', '{"inputs":"\\ud800"}'],
]

function probes(): Probe[] {
  const list: Probe[] = []
  const json = { 'content-type': 'application/json' }
  for (const path of postRoutes()) {
    for (const [, body] of badBodies) list.push({ method: 'POST', path, body, headers: json })
    for (const type of [
      'text/plain',
      'application/xml',
      'multipart/form-data; boundary=x',
      'application/jsonx',
    ]) {
      list.push({ method: 'POST', path, body: '{"inputs":{}}', headers: { 'content-type': type } })
    }
    list.push({ method: 'POST', path, body: '{"inputs":{}}', headers: { ...json, 'content-length': 'abc' } })
  }
  const execute = '/actions/get_invoice/execute'
  const good = JSON.stringify({ inputs: { invoice_id: 'x' } })
  for (const key of ['', ' ', 'x'.repeat(256), 'naïve', 'tab\there', 'é'.repeat(10)]) {
    list.push({ method: 'POST', path: execute, body: good, headers: { ...json, 'idempotency-key': key } })
  }
  for (const authorization of [
    'garbage',
    'Bearer',
    'Bearer ',
    'Bearer a b c',
    'Basic !!!',
    `Bearer ${'A'.repeat(8000)}`,
    'Bearer e.e.e',
  ]) {
    list.push({ method: 'GET', path: '/actions', headers: { authorization }, key: null })
  }
  for (const id of [
    'x',
    '..%2F..%2Fetc%2Fpasswd',
    '%00',
    'a'.repeat(3000),
    'apr-XYZ',
    `apr-${'0'.repeat(25)}`,
    '%zz',
    'apr-%F0%9F%98%80',
  ]) {
    list.push({ method: 'GET', path: `/approvals/${id}` })
    list.push({ method: 'POST', path: `/approvals/${id}/approve`, body: '{}', headers: json })
    list.push({ method: 'POST', path: `/approvals/${id}/reject`, body: '{}', headers: json })
  }
  for (const name of ['UPPER', '%00', '1abc', 'a'.repeat(300), 'a%2Fb', 'ünïcode', '%zz']) {
    list.push({ method: 'POST', path: `/actions/${name}/execute`, body: good, headers: json })
  }
  const queries = [
    'limit=-1',
    'limit=0',
    'limit=1e9',
    'limit=99999999999999999999999',
    'limit=abc',
    'limit=',
    'limit=%205',
    'limit=5.5',
    'limit=0x10',
    'limit=1&limit=2',
    'cursor=!!!',
    'cursor=',
    `cursor=${'A'.repeat(5000)}`,
    'cursor=WyJhdWRpdCIsIngiLDFd',
    'cursor=eyJub3QiOiJhbiBhcnJheSJ9',
    'unknown=1',
    'status=nope',
    '__proto__=x',
    'constructor=x',
  ]
  for (const q of queries) {
    list.push({ method: 'GET', path: `/approvals?${q}` })
    list.push({ method: 'GET', path: `/audit?${q}` })
  }
  for (const q of [
    'since=yesterday',
    'until=2024-02-30T00:00:00Z',
    'since=1700000000',
    'since=2024-01-01T00:00:00',
    'decision=ALLOW',
    'actor=',
    `action=${'a'.repeat(300)}`,
  ]) {
    list.push({ method: 'GET', path: `/audit?${q}` })
  }
  for (const path of ['/actions?x=1', '/audit/verify?deep=1', `/approvals/${'apr-'.padEnd(28, '0')}?x=1`]) {
    list.push({ method: 'GET', path })
  }
  return list
}

async function send(probe: Probe): Promise<Response> {
  const headers: Record<string, string> = { ...probe.headers }
  if (probe.key !== null) headers.authorization ??= `Bearer ${probe.key ?? KEYS.carol}`
  const init: RequestInit = { method: probe.method, headers }
  if (probe.body !== undefined) init.body = probe.body
  return app.request(probe.path, init)
}

describe('bad-input sweep', () => {
  it('answers every malformed request with a 4xx problem+json', async () => {
    const failures: string[] = []
    const tally: Record<string, number> = {}
    const all = probes()
    for (const probe of all) {
      let res: Response
      try {
        res = await send(probe)
      } catch (error) {
        failures.push(`${probe.method} ${probe.path.slice(0, 80)}: threw ${String(error)}`)
        continue
      }
      const type = res.headers.get('content-type')
      const text = await res.text()
      let body: { code?: string; detail?: string } = {}
      try {
        body = JSON.parse(text)
      } catch {
        // reported below
      }
      const label = `${probe.method} ${probe.path.slice(0, 80)} ${String(probe.body ?? '').slice(0, 40)} ${JSON.stringify(probe.headers ?? {}).slice(0, 80)}`
      tally[`${res.status} ${body.code}`] = (tally[`${res.status} ${body.code}`] ?? 0) + 1
      if (res.status < 400 || res.status >= 500)
        failures.push(`${label}: status ${res.status} ${text.slice(0, 200)}`)
      else if (type !== 'application/problem+json') failures.push(`${label}: content-type ${type}`)
      else if (typeof body.code !== 'string' || typeof body.detail !== 'string')
        failures.push(`${label}: body ${text.slice(0, 200)}`)
      else if (/\n\s+at /.test(text)) failures.push(`${label}: stack trace in body`)
    }
    expect(failures).toEqual([])
    // Only the probes with a garbage credential may stop at authentication; the rest reach validation.
    expect(tally['401 UNAUTHENTICATED']).toBe(all.filter((p) => p.key === null).length)
    expect(Object.keys(tally).sort()).toEqual([
      '400 BAD_REQUEST',
      '401 UNAUTHENTICATED',
      '413 PAYLOAD_TOO_LARGE',
      '415 UNSUPPORTED_MEDIA_TYPE',
    ])
    expect(all.length).toBeGreaterThan(150)
  })

  it('is still healthy afterwards, and the held approval untouched', async () => {
    expect((await call(app, 'GET', '/health')).json).toEqual({ status: 'ok' })
    const approval = await call(app, 'GET', `/approvals/${approvalId}`, { key: KEYS.carol })
    expect(approval.json).toMatchObject({ status: 'pending', votes: [] })
  })
})
