import { describe, expect, it } from 'vitest'
import { auditPageSchema, decisionSchema, planDecisionsSchema, verifySchema } from '../../src/http/index.js'
import { call, KEYS, makeAirlock, makeApp, runs } from './fixtures.js'

describe('POST /check and /check-plan', () => {
  it('returns the decision with 200 whatever it is, and runs nothing', async () => {
    const app = makeApp(makeAirlock())
    const before = runs.get_invoice
    const allow = await call(app, 'POST', '/check', {
      key: KEYS.alice,
      body: { action: 'get_invoice', inputs: { invoice_id: 'x' } },
    })
    expect(allow.status).toBe(200)
    expect(decisionSchema.parse(allow.json)).toMatchObject({ decision: 'allow', caller: 'alice' })
    const deny = await call(app, 'POST', '/check', { key: KEYS.alice, body: { action: 'forbidden_thing' } })
    expect(deny.status).toBe(200)
    expect(deny.json).toMatchObject({ decision: 'deny', rule: 'no-forbidden' })
    const hold = await call(app, 'POST', '/check', {
      key: KEYS.alice,
      body: { action: 'issue_refund', params: { invoice_id: 'x', amount: 1 } },
    })
    expect(hold.json).toMatchObject({ decision: 'require_approval' })
    const invalid = await call(app, 'POST', '/check', {
      key: KEYS.alice,
      body: { action: 'get_invoice', inputs: {} },
    })
    expect(invalid.status).toBe(200)
    expect(invalid.json).toMatchObject({
      decision: 'deny',
      param_errors: [{ path: ['invoice_id'], code: 'missing' }],
    })
    const unknown = await call(app, 'POST', '/check', { key: KEYS.alice, body: { action: 'nope' } })
    expect(unknown.json).toMatchObject({ decision: 'deny' })
    expect(runs.get_invoice).toBe(before)
  })

  it('refuses inputs and params together', async () => {
    const res = await call(makeApp(makeAirlock()), 'POST', '/check', {
      key: KEYS.alice,
      body: { action: 'get_invoice', inputs: {}, params: {} },
    })
    expect(res.status).toBe(400)
    expect(res.json.detail).toContain('body.params')
  })

  it('decides every step of a plan in order', async () => {
    const res = await call(makeApp(makeAirlock()), 'POST', '/check-plan', {
      key: KEYS.alice,
      body: {
        steps: [
          { action: 'get_invoice', inputs: { invoice_id: 'x' } },
          { action: 'forbidden_thing' },
          { action: 'issue_refund', params: { invoice_id: 'x', amount: 2 } },
        ],
      },
    })
    expect(res.status).toBe(200)
    const body = planDecisionsSchema.parse(res.json)
    expect(body.decisions.map((d) => d.decision)).toEqual(['allow', 'deny', 'require_approval'])
  })

  it('caps a plan at 100 steps and refuses an empty one', async () => {
    const app = makeApp(makeAirlock())
    const steps = Array.from({ length: 101 }, () => ({ action: 'get_invoice', inputs: { invoice_id: 'x' } }))
    const big = await call(app, 'POST', '/check-plan', { key: KEYS.alice, body: { steps } })
    expect(big.status).toBe(400)
    expect(big.json.detail).toContain('at most 100')
    const empty = await call(app, 'POST', '/check-plan', { key: KEYS.alice, body: { steps: [] } })
    expect(empty.status).toBe(400)
  })
})

describe('GET /audit', () => {
  async function populated() {
    const airlock = makeAirlock()
    const app = makeApp(airlock)
    await call(app, 'POST', '/actions/get_invoice/execute', {
      key: KEYS.alice,
      body: { inputs: { invoice_id: 'a' } },
    })
    await call(app, 'POST', '/actions/forbidden_thing/execute', { key: KEYS.nobody, body: { inputs: {} } })
    await call(app, 'POST', '/actions/issue_refund/execute', {
      key: KEYS.alice,
      body: { inputs: { invoice_id: 'a', amount: 3, card_number: '4111111111111111' } },
    })
    return app
  }

  it('lists the tenant’s events newest first, redacted', async () => {
    const app = await populated()
    const res = await call(app, 'GET', '/audit', { key: KEYS.carol })
    expect(res.status).toBe(200)
    const page = auditPageSchema.parse(res.json)
    expect(page.items.map((e) => e.status)).toEqual(['held', 'denied', 'executed', 'started'])
    expect(JSON.stringify(res.json)).not.toContain('4111111111111111')
  })

  it('filters by action, actor, decision, status and time', async () => {
    const app = await populated()
    const q = async (query: string) =>
      (
        (await call(app, 'GET', `/audit?${query}`, { key: KEYS.carol })).json.items as { status: string }[]
      ).map((e) => e.status)
    expect(await q('action=get_invoice')).toEqual(['executed', 'started'])
    expect(await q('actor=nobody')).toEqual(['denied'])
    expect(await q('decision=deny')).toEqual(['denied'])
    expect(await q('status=held')).toEqual(['held'])
    expect(await q('since=2999-01-01T00:00:00Z')).toEqual([])
    expect(await q(`until=${encodeURIComponent('2000-01-01T00:00:00+02:00')}`)).toEqual([])
    expect(await q('since=2000-01-01T00:00:00Z&status=started')).toEqual(['started'])
  })

  it('pages through events with the cursor', async () => {
    const app = await populated()
    const seen: string[] = []
    let cursor: string | null = null
    do {
      const query: string = cursor === null ? 'limit=3' : `limit=3&cursor=${cursor}`
      const res = await call(app, 'GET', `/audit?${query}`, { key: KEYS.carol })
      seen.push(...(res.json.items as { id: string }[]).map((e) => e.id))
      cursor = res.json.next_cursor as string | null
    } while (cursor !== null)
    expect(seen).toHaveLength(4)
    expect(new Set(seen).size).toBe(4)
  })

  it('rejects bad dates, limits and cursors with 400 naming the field', async () => {
    const app = await populated()
    for (const [query, field] of [
      ['since=yesterday', 'query.since'],
      ['until=2024-13-45T00:00:00Z', 'query.until'],
      ['since=2024-01-01', 'query.since'],
      ['limit=0', 'query.limit'],
      ['limit=-1', 'query.limit'],
      ['limit=201', 'query.limit'],
      ['limit=1e3', 'query.limit'],
      ['limit=99999999999999999999', 'query.limit'],
      ['decision=maybe', 'query.decision'],
      ['cursor=%E2%9C%93', 'cursor'],
      ['cursor=bm90LWEtY3Vyc29y', 'cursor'],
      ['limit=1&limit=2', 'limit'],
      ['bogus=1', 'query.bogus'],
    ]) {
      const res = await call(app, 'GET', `/audit?${query}`, { key: KEYS.carol })
      expect(res.status, query).toBe(400)
      expect(res.type).toBe('application/problem+json')
      expect(res.json.detail, query).toContain(field)
    }
  })

  it('respects a custom max_page_size', async () => {
    const app = makeApp(makeAirlock(), { max_page_size: 5 })
    expect((await call(app, 'GET', '/audit?limit=5', { key: KEYS.carol })).status).toBe(200)
    const res = await call(app, 'GET', '/audit?limit=6', { key: KEYS.carol })
    expect(res.status).toBe(400)
    expect(res.json.detail).toContain('from 1 to 5')
  })
})

describe('GET /audit/verify', () => {
  it('reports an intact chain to an auditor, with the age of the result and no count', async () => {
    const app = makeApp(makeAirlock())
    await call(app, 'POST', '/actions/get_invoice/execute', {
      key: KEYS.alice,
      body: { inputs: { invoice_id: 'a' } },
    })
    const res = await call(app, 'GET', '/audit/verify', { key: KEYS.carol })
    expect(res.status).toBe(200)
    expect(verifySchema.parse(res.json)).toEqual({
      valid: true,
      checked_at: expect.any(String),
      age_s: expect.any(Number),
    })
  })
})
