import { describe, expect, it } from 'vitest'
import { createAirlock } from '../../src/airlock.js'
import { createHttpApp } from '../../src/http/create-http-app.js'
import { apiKeyAuth } from '../../src/identity/auth/api-key-auth.js'
import { hashApiKey } from '../../src/identity/auth/generate-api-key.js'

const GOOD = 'ak_good_key_0123456789abcdef'

function app(warnings: unknown[] = [], trust_proxy = false) {
  return createHttpApp(createAirlock({ actions: [] }), {
    trust_proxy,
    auth: apiKeyAuth({ keys: [{ id: 'k', sha256: hashApiKey(GOOD), actor_id: 'agent' }] }),
    auth_throttle: { max_failures: 5, window_ms: 60_000, cooldown_ms: 30_000 },
    logger: { info: () => {}, warn: (entry: unknown) => void warnings.push(entry), error: () => {} },
  })
}

const get = (a: ReturnType<typeof app>, key: string, from?: string) =>
  a.request('/actions', {
    headers: { authorization: `Bearer ${key}`, ...(from ? { 'x-forwarded-for': from } : {}) },
  })

describe('failed authentication throttling', () => {
  it('answers 429 with Retry-After once one key prefix fails too often, and logs one summary', async () => {
    const warnings: unknown[] = []
    const a = app(warnings)
    const statuses: number[] = []
    for (let i = 0; i < 8; i++) statuses.push((await get(a, `ak_wrong_${i}`)).status)
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401])
    expect(statuses.slice(5)).toEqual([429, 429, 429])
    const refused = await get(a, 'ak_wrong_again')
    expect(refused.status).toBe(429)
    expect(refused.headers.get('content-type')).toBe('application/problem+json')
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(await refused.json()).toMatchObject({ code: 'RATE_LIMITED' })
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatchObject({ failures: 5, cooldown_ms: 30_000 })
  })

  it('leaves other keys alone and can be turned off', async () => {
    const a = app()
    for (let i = 0; i < 6; i++) await get(a, `ak_wrong_${i}`)
    expect((await get(a, 'zz_other_prefix')).status).toBe(401)
    const open = createHttpApp(createAirlock({ actions: [] }), {
      auth: apiKeyAuth({ keys: [{ id: 'k', sha256: hashApiKey(GOOD), actor_id: 'agent' }] }),
      auth_throttle: false,
    })
    for (let i = 0; i < 30; i++) expect((await get(open, `ak_wrong_${i}`)).status).toBe(401)
  })

  it('throttles one client address that tries many different keys, and only that address', async () => {
    const a = app([], true)
    // Every key has its own prefix, so only the address counter can trip.
    const keyFor = (i: number) => `k${String(i).padStart(7, '0')}_wrong`
    const statuses: number[] = []
    for (let i = 0; i < 7; i++) statuses.push((await get(a, keyFor(i), '203.0.113.7')).status)
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429])
    expect((await get(a, GOOD, '203.0.113.7')).status).toBe(429)
    expect((await get(a, keyFor(99), '198.51.100.2')).status).toBe(401)
    expect((await get(a, GOOD, '198.51.100.2')).status).toBe(200)
  })
})
