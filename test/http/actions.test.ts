import { beforeEach, describe, expect, it } from 'vitest'
import {
  actionListSchema,
  deniedSchema,
  executedSchema,
  failedSchema,
  pendingApprovalSchema,
  problemSchema,
} from '../../src/http/index.js'
import { call, closeGate, gate, KEYS, makeAirlock, makeApp, runs } from './fixtures.js'

const execute = (name: string) => `/actions/${name}/execute`

describe('GET /actions', () => {
  it('lists every action with its input JSON Schema', async () => {
    const res = await call(makeApp(makeAirlock()), 'GET', '/actions', { key: KEYS.alice })
    expect(res.status).toBe(200)
    const body = actionListSchema.parse(res.json)
    const refund = body.actions.find((a) => a.name === 'issue_refund')
    expect(refund).toMatchObject({ risk: 'high', required_scopes: ['finance'], approval_required: true })
    expect(refund?.input_schema).toMatchObject({ type: 'object', required: ['invoice_id', 'amount'] })
  })
})

describe('POST /actions/{name}/execute', () => {
  let app: ReturnType<typeof makeApp>
  beforeEach(() => {
    app = makeApp(makeAirlock())
  })

  it('runs an allowed action and answers 200 with its result and audit id', async () => {
    const res = await call(app, 'POST', execute('get_invoice'), {
      key: KEYS.alice,
      body: { inputs: { invoice_id: 'inv_1' } },
    })
    expect(res.status).toBe(200)
    expect(res.type).toMatch(/^application\/json/)
    const body = executedSchema.parse(res.json)
    expect(body).toMatchObject({ status: 'executed', replayed: false, result: { id: 'inv_1', amount: 42 } })
    expect(body.audit_id).toMatch(/^evt-/)
    expect(body.request_id).toMatch(/^req-/)
  })

  it('holds an action that needs approval: 202 with the approval id and a Location', async () => {
    const before = runs.issue_refund
    const res = await call(app, 'POST', execute('issue_refund'), {
      key: KEYS.alice,
      body: { inputs: { invoice_id: 'inv_1', amount: 10 } },
    })
    expect(res.status).toBe(202)
    const body = pendingApprovalSchema.parse(res.json)
    expect(body.approval_id).toMatch(/^apr-[0-9a-f]{24}$/)
    expect(res.headers.get('location')).toBe(`/approvals/${body.approval_id}`)
    expect(runs.issue_refund).toBe(before)
  })

  it('denies a policy-forbidden action with 403, the reason and the rule', async () => {
    const res = await call(app, 'POST', execute('forbidden_thing'), { key: KEYS.alice, body: { inputs: {} } })
    expect(res.status).toBe(403)
    expect(deniedSchema.parse(res.json)).toMatchObject({
      status: 'denied',
      code: 'POLICY',
      rule: 'no-forbidden',
    })
  })

  it('denies a caller without the required scope with 403 naming the scope', async () => {
    const res = await call(app, 'POST', execute('issue_refund'), {
      key: KEYS.nobody,
      body: { inputs: { invoice_id: 'inv_1', amount: 10 } },
    })
    expect(res.status).toBe(403)
    expect(res.json).toMatchObject({
      status: 'denied',
      code: 'SCOPE_MISSING',
      reason: 'Missing required scopes: finance',
    })
  })

  it('answers 404 problem+json for an unknown action', async () => {
    const res = await call(app, 'POST', execute('no_such_action'), { key: KEYS.alice, body: { inputs: {} } })
    expect(res.status).toBe(404)
    expect(res.type).toBe('application/problem+json')
    expect(problemSchema.parse(res.json)).toMatchObject({ code: 'ACTION_NOT_FOUND', status: 404 })
  })

  it('answers 422 with every input issue kept structured', async () => {
    const res = await call(app, 'POST', execute('issue_refund'), {
      key: KEYS.alice,
      body: { inputs: { amount: -5, extra: true } },
    })
    expect(res.status).toBe(422)
    expect(res.type).toBe('application/problem+json')
    const issues = problemSchema.parse(res.json).issues ?? []
    expect(issues).toEqual(
      expect.arrayContaining([
        { path: ['invoice_id'], code: 'missing', message: expect.any(String) },
        { path: ['amount'], code: 'too_small', message: expect.any(String) },
        { path: ['extra'], code: 'unknown_key', message: expect.any(String) },
      ]),
    )
  })

  it("names each offending field in the 422's detail", async () => {
    const res = await call(app, 'POST', execute('issue_refund'), {
      key: KEYS.alice,
      body: { inputs: { amount: 'ten' } },
    })
    expect(res.status).toBe(422)
    const detail = problemSchema.parse(res.json).detail
    expect(detail).toContain('inputs.amount: expected number, got string')
    expect(detail).toContain('inputs.invoice_id: required, but missing')
  })

  it('answers 422 for a target of the wrong type, pointing at the target', async () => {
    const res = await call(app, 'POST', execute('restart_deployment'), {
      key: KEYS.alice,
      body: { inputs: {}, target: 'prod/node-1' },
    })
    expect(res.status).toBe(422)
    expect(res.json).toMatchObject({
      code: 'INPUT_INVALID',
      issues: [{ path: ['target'], code: 'invalid_value' }],
    })
    const ok = await call(app, 'POST', execute('restart_deployment'), {
      key: KEYS.alice,
      body: { inputs: {}, target: 'prod/api' },
    })
    expect(ok.status).toBe(200)
  })

  it('answers 500 with the failure when the handler throws, without a stack trace', async () => {
    const res = await call(app, 'POST', execute('explode'), { key: KEYS.alice, body: { inputs: {} } })
    expect(res.status).toBe(500)
    const body = failedSchema.parse(res.json)
    expect(body.error.message).toContain('kaboom')
    expect(JSON.stringify(res.json)).not.toMatch(/\n\s+at /)
  })

  describe('with an Idempotency-Key', () => {
    it('runs once and replays the first outcome with its status and replayed: true', async () => {
      const before = runs.get_invoice
      const send = () =>
        call(app, 'POST', execute('get_invoice'), {
          key: KEYS.alice,
          headers: { 'idempotency-key': 'order-42' },
          body: { inputs: { invoice_id: 'inv_9' } },
        })
      const first = await send()
      const second = await send()
      expect(first.status).toBe(200)
      expect(second.status).toBe(200)
      expect(second.json).toMatchObject({ status: 'executed', replayed: true, result: first.json.result })
      expect(second.json.request_id).toBe(first.json.request_id)
      expect(runs.get_invoice).toBe(before + 1)
    })

    it('replays a held request as 202 with the same approval', async () => {
      const send = () =>
        call(app, 'POST', execute('issue_refund'), {
          key: KEYS.alice,
          headers: { 'idempotency-key': 'refund-1' },
          body: { inputs: { invoice_id: 'inv_1', amount: 5 } },
        })
      const first = await send()
      const second = await send()
      expect(second.status).toBe(202)
      expect(second.json).toMatchObject({ replayed: true, approval_id: first.json.approval_id })
    })

    it('replays a failure as 500', async () => {
      const send = () =>
        call(app, 'POST', execute('explode'), {
          key: KEYS.alice,
          headers: { 'idempotency-key': 'boom' },
          body: { inputs: {} },
        })
      await send()
      const again = await send()
      expect(again.status).toBe(500)
      expect(again.json).toMatchObject({ status: 'failed', replayed: true })
    })

    it('answers 422 when the key is reused with other inputs', async () => {
      const send = (invoice_id: string) =>
        call(app, 'POST', execute('get_invoice'), {
          key: KEYS.alice,
          headers: { 'idempotency-key': 'k-1' },
          body: { inputs: { invoice_id } },
        })
      await send('a')
      const res = await send('b')
      expect(res.status).toBe(422)
      expect(res.json).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' })
    })

    it('answers 409 while a call with the same key is still running', async () => {
      closeGate()
      const send = () =>
        call(app, 'POST', execute('slow'), {
          key: KEYS.alice,
          headers: { 'idempotency-key': 'slow-1' },
          body: { inputs: { n: 1 } },
        })
      const first = send()
      // Let the first call claim the key before the second arrives.
      await new Promise((resolve) => setTimeout(resolve, 20))
      const second = await send()
      gate.release()
      expect(second.status).toBe(409)
      expect(second.json).toMatchObject({ code: 'IDEMPOTENCY_IN_FLIGHT' })
      expect((await first).status).toBe(200)
    })

    it('keeps keys apart per tenant', async () => {
      const before = runs.get_invoice
      for (const key of [KEYS.alice, KEYS.mallory]) {
        const res = await call(app, 'POST', execute('get_invoice'), {
          key,
          headers: { 'idempotency-key': 'shared-key' },
          body: { inputs: { invoice_id: 'inv_1' } },
        })
        expect(res.json).toMatchObject({ status: 'executed', replayed: false })
      }
      expect(runs.get_invoice).toBe(before + 2)
    })

    it('rejects keys that are empty, too long or not printable ASCII', async () => {
      for (const bad of ['', 'x'.repeat(256), 'clé']) {
        const res = await app.request(execute('get_invoice'), {
          method: 'POST',
          headers: {
            authorization: `Bearer ${KEYS.alice}`,
            'content-type': 'application/json',
            'idempotency-key': bad,
          },
          body: JSON.stringify({ inputs: { invoice_id: 'x' } }),
        })
        expect(res.status).toBe(400)
        expect(((await res.json()) as { detail: string }).detail).toContain('idempotency-key')
      }
    })
  })
})
