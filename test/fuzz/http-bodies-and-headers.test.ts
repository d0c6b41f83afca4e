/**
 * Property tests over what a client can send the HTTP API: any body (garbage
 * bytes, JSON of every shape, a valid body with a field of the wrong type,
 * huge and deeply nested documents) and any header values, on every route.
 * A rejected request gets a 4xx problem+json that names the field when the
 * body had one wrong, never a 5xx or a crash, and changes nothing stored.
 */
import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import { call, runs as handlerRuns, KEYS, makeAirlock, makeApp } from '../http/fixtures.js'
import { fuzzRuns, nastyString, pathsOf, yamlishValue } from './fuzz-support.js'

const runs = fuzzRuns(30)
const LIMIT = 4096

type App = ReturnType<typeof makeApp>
let app: App
let approvalId: string
let eventId: string

beforeAll(async () => {
  app = makeApp(makeAirlock(), { body_limit: LIMIT })
  const done = await call(app, 'POST', '/actions/get_invoice/execute', {
    key: KEYS.carol,
    body: { inputs: { invoice_id: 'x' } },
  })
  eventId = done.json.audit_id as string
  const held = await call(app, 'POST', '/actions/issue_refund/execute', {
    key: KEYS.alice,
    body: { inputs: { invoice_id: 'x', amount: 1 } },
  })
  approvalId = held.json.approval_id as string
})

/** Each route that reads a body, with a body it accepts. */
const bodyRoutes = (): readonly (readonly [string, Record<string, unknown>])[] => [
  ['/actions/get_invoice/execute', { inputs: { invoice_id: 'x' } }],
  ['/actions/issue_refund/execute', { inputs: { invoice_id: 'x', amount: 1 } }],
  ['/check', { action: 'get_invoice', inputs: { invoice_id: 'x' } }],
  ['/check-plan', { steps: [{ action: 'get_invoice', inputs: { invoice_id: 'x' } }] }],
  [`/approvals/${approvalId}/approve`, { comment: 'looks right' }],
  [`/approvals/${approvalId}/reject`, { comment: 'no' }],
  [`/audit/${eventId}/rollback?dry_run=true`, {}],
  ['/freeze', { reason: 'incident', scope: { actions: ['get_invoice'] } }],
  ['/unfreeze', { reason: 'over' }],
]

const getRoutes = (): readonly string[] => [
  '/health',
  '/ready',
  '/actions',
  '/approvals',
  `/approvals/${approvalId}`,
  '/audit',
  '/audit/verify',
  `/audit/${eventId}`,
  '/audit/checkpoint',
  '/policy',
]

/** What kind of JSON value `v` is, so a replacement can be told to be of another kind. */
function kind(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v
}

/** `base` with the value at one path replaced by a value of another kind. */
function wrongType(base: Record<string, unknown>): fc.Arbitrary<unknown> {
  const paths = pathsOf(base).filter((p) => p.length > 0)
  if (paths.length === 0) return yamlishValue.filter((v) => kind(v) !== 'object')
  return fc.tuple(fc.constantFrom(...paths), yamlishValue).map(([path, value]) => {
    const copy = structuredClone(base)
    let parent = copy as Record<string | number, unknown>
    for (const part of path.slice(0, -1)) parent = parent[part] as Record<string | number, unknown>
    const last = path[path.length - 1] as string | number
    parent[last] = kind(value) === kind(parent[last]) ? [value] : value
    return copy
  })
}

const deep = fc
  .integer({ min: 20, max: 400 })
  .map((n) => `{"inputs":{"a":${'['.repeat(n)}1${']'.repeat(n)}}}`)

/** Any body: text, bytes, JSON of any shape, a valid body with one wrong type, huge or deep. */
function anyBody(base: Record<string, unknown>): fc.Arbitrary<string | Uint8Array<ArrayBuffer>> {
  return fc.oneof(
    nastyString,
    fc.uint8Array({ maxLength: 64 }).map((bytes) => new Uint8Array(bytes)),
    yamlishValue.map((v) => JSON.stringify(v) ?? 'undefined'),
    wrongType(base).map((v) => JSON.stringify(v)),
    yamlishValue.map((extra) => JSON.stringify({ ...base, extra })),
    fc.nat({ max: LIMIT * 2 }).map((n) => JSON.stringify({ ...base, pad: 'x'.repeat(LIMIT + n) })),
    deep,
  )
}

/** Header values the fetch API lets a client send (no CR, LF or NUL inside; Latin-1 only). */
function sendable(values: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return values.filter((v) => {
    try {
      new Headers([['x', v]])
      return true
    } catch {
      return false
    }
  })
}

const anyText = fc.oneof(
  nastyString,
  fc.string({ unit: 'binary-ascii', maxLength: 80 }),
  fc.constant('x'.repeat(9000)),
)
const headerValue = sendable(anyText)

const headers = fc.record(
  {
    'content-type': fc.oneof(
      fc.constantFrom('application/json', 'application/json; charset=utf-8', 'application/merge-patch+json'),
      headerValue,
    ),
    'idempotency-key': headerValue,
    'x-request-id': headerValue,
    accept: headerValue,
    'x-forwarded-for': headerValue,
    authorization: sendable(anyText.map((v) => `Bearer ${v}`)),
  },
  { requiredKeys: [] },
)

interface Answer {
  readonly status: number
  readonly type: string | null
  readonly text: string
}

async function send(
  method: string,
  path: string,
  head: Record<string, string>,
  body?: BodyInit,
): Promise<Answer> {
  const init: RequestInit = { method, headers: { authorization: `Bearer ${KEYS.carol}`, ...head } }
  if (body !== undefined) init.body = body
  const res = await app.request(path, init)
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() }
}

interface Stored {
  /** Handler runs, approvals and freezes: what a rejected request must leave alone. */
  readonly state: string
  /** The newest audit event: a rejection may add a record of the denial, nothing else. */
  readonly newest: { id?: string; status?: string } | undefined
}

async function stored(): Promise<Stored> {
  const approvals = await call(app, 'GET', '/approvals?limit=100', { key: KEYS.carol })
  const freeze = await call(app, 'GET', '/freeze', { key: KEYS.carol })
  const audit = await call(app, 'GET', '/audit?limit=1', { key: KEYS.carol })
  const items = audit.json.items as { id?: string; status?: string }[] | undefined
  // A problem body names the request that got it; that id differs on every read.
  const { request_id: _id, ...freezes } = freeze.json as Record<string, unknown>
  return { state: JSON.stringify([handlerRuns, approvals.json, freezes]), newest: items?.[0] }
}

async function expectUnchanged(before: Stored, label: string): Promise<void> {
  const after = await stored()
  expect(after.state, label).toBe(before.state)
  if (after.newest?.id !== before.newest?.id) expect(after.newest?.status, label).toBe('denied')
}

/** Fails unless a rejected request got a problem+json naming what was wrong. */
function expectProblem(answer: Answer, label: string): void {
  expect(answer.status, `${label}: ${answer.text.slice(0, 300)}`).toBeLessThan(500)
  if (answer.status < 400) return
  // A policy's deny is a result, not an error: the outcome itself, as JSON.
  if (answer.status === 403 && answer.type === 'application/json') {
    expect(JSON.parse(answer.text), label).toMatchObject({ status: 'denied', reason: expect.any(String) })
    return
  }
  expect(answer.type, label).toBe('application/problem+json')
  const problem = JSON.parse(answer.text) as { code?: unknown; detail?: unknown; issues?: unknown }
  expect(typeof problem.code, label).toBe('string')
  expect(typeof problem.detail, label).toBe('string')
  expect(answer.text, label).not.toMatch(/\n\s+at /)
  if (!Array.isArray(problem.issues)) return
  const issues = problem.issues as { path?: unknown }[]
  for (const issue of issues) {
    expect(Array.isArray(issue.path) && issue.path.length > 0, `${label}: ${JSON.stringify(issue)}`).toBe(
      true,
    )
  }
  // The detail lists the first few issues by field, so a client showing only `detail` can act on it.
  const first = issues[0]?.path as unknown[] | undefined
  if (first === undefined) return
  // A key that is not a plain name is shown JSON-quoted (`body[" \\ "]`), so it cannot be mistaken for a path.
  const field = String(first[first.length - 1])
  const detail = String(problem.detail)
  expect(detail.includes(field) || detail.includes(JSON.stringify(field)), `${label}: ${detail}`).toBe(true)
}

function preview(body: string | Uint8Array | undefined): string {
  const text =
    typeof body === 'string' ? body : body === undefined ? '' : `bytes ${Buffer.from(body).toString('hex')}`
  return text.length > 200 ? `${text.slice(0, 200)}…` : text
}

describe('HTTP request bodies', () => {
  it('answers any body on every route with a 4xx problem+json, and a rejected one changes nothing', async () => {
    const route = fc
      .constantFrom(...bodyRoutes())
      .chain(([path, base]) => fc.tuple(fc.constant(path), anyBody(base)))
    await fc.assert(
      fc.asyncProperty(route, async ([path, body]) => {
        const before = await stored()
        const answer = await send('POST', path, { 'content-type': 'application/json' }, body)
        const label = `POST ${path} ${preview(body)}`
        expectProblem(answer, label)
        if (answer.status >= 400) await expectUnchanged(before, label)
      }),
      { numRuns: runs },
    )
  })
})

describe('HTTP request headers', () => {
  it('answers any header values on every route without a 5xx', async () => {
    const request = fc.tuple(
      fc.oneof(
        fc.constantFrom(...getRoutes()).map((path) => ['GET', path, undefined] as const),
        fc.constantFrom(...bodyRoutes()).map(([path, base]) => ['POST', path, JSON.stringify(base)] as const),
      ),
      headers,
    )
    await fc.assert(
      fc.asyncProperty(request, async ([[method, path, body], head]) => {
        const before = await stored()
        const answer = await send(method, path, head, body)
        const label = `${method} ${path} ${JSON.stringify(head).slice(0, 300)}`
        expectProblem(answer, label)
        if (answer.status >= 400) await expectUnchanged(before, label)
      }),
      { numRuns: runs },
    )
  })

  it('is still healthy afterwards', async () => {
    expect((await call(app, 'GET', '/health')).json).toEqual({ status: 'ok' })
  })
})
