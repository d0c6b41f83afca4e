import { describe, expect, it } from 'vitest'
import { decisionSchema, problemSchema } from '../../src/http/index.js'
import { createKeySet, generateSigningKey } from '../../src/identity/tokens/index.js'
import { createLimits } from '../../src/limits/index.js'
import { call, KEYS, makeAirlock, makeApp } from './fixtures.js'

describe('rate limits over HTTP', () => {
  it('answers 429 problem+json with Retry-After once a caller exceeds the limit', async () => {
    const app = makeApp(
      makeAirlock({ limits: createLimits({ rate_limit: { max_requests: 2, window_s: 60 } }) }),
    )
    const send = () =>
      call(app, 'POST', '/actions/get_invoice/execute', {
        key: KEYS.alice,
        body: { inputs: { invoice_id: 'i' } },
      })
    expect((await send()).status).toBe(200)
    expect((await send()).status).toBe(200)
    const limited = await send()
    expect(limited.status).toBe(429)
    expect(limited.type).toBe('application/problem+json')
    expect(problemSchema.parse(limited.json)).toMatchObject({ code: 'RATE_LIMITED', status: 429 })
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
    expect(limited.json.retry_after_s).toEqual(expect.any(Number))
    // Other callers have their own budget.
    const other = await call(app, 'POST', '/actions/get_invoice/execute', {
      key: KEYS.nobody,
      body: { inputs: { invoice_id: 'i' } },
    })
    expect(other.status).toBe(200)
  })
})

describe('execution tickets over HTTP', () => {
  it('returns a signed ticket with an allowed check when signing keys are configured', async () => {
    const keys = await createKeySet({ keys: [await generateSigningKey()] })
    const app = makeApp(makeAirlock({ keys }))
    const allowed = await call(app, 'POST', '/check', {
      key: KEYS.alice,
      body: { action: 'get_invoice', inputs: { invoice_id: 'i' } },
    })
    const body = decisionSchema.parse(allowed.json)
    expect(body.ticket?.token.split('.')).toHaveLength(3)
    expect(body.audit_id).toMatch(/^evt-/)
    const denied = await call(app, 'POST', '/check', { key: KEYS.alice, body: { action: 'forbidden_thing' } })
    expect(denied.json.ticket).toBeNull()
  })
})
