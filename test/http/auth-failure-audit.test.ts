import { describe, expect, it, vi } from 'vitest'
import type { Airlock } from '../../src/airlock.js'
import { call, KEYS, makeAirlock, makeApp } from './fixtures.js'

async function authEvents(airlock: Airlock, expected: number) {
  // Summaries are written when their window ends, a few milliseconds here.
  return vi.waitFor(async () => {
    const items = (await airlock.audit.list({}, 200)).items.filter((e) => e.status === 'auth_failed')
    if (items.length < expected) throw new Error(`${items.length} of ${expected} summaries so far`)
    return items
  })
}

const from = (address: string, key = 'ak_wrong_key_guess') => ({
  key,
  headers: { 'x-forwarded-for': address },
})

describe('failed authentication in the audit record', () => {
  it('is one summary event per client address per window, with the count, not one per attempt', async () => {
    const airlock = makeAirlock({ auth_failures: { window_ms: 20 } })
    const app = makeApp(airlock, {
      trust_proxy: true,
      auth_throttle: { max_failures: 5, window_ms: 60_000, cooldown_ms: 60_000 },
    })
    const statuses = new Set<number>()
    for (let i = 0; i < 30; i++)
      statuses.add((await call(app, 'GET', '/actions', from('203.0.113.7', `ak_guess_${i}`))).status)
    expect(statuses).toEqual(new Set([401, 429]))
    await call(app, 'GET', '/actions', { headers: { 'x-forwarded-for': '198.51.100.2' } })
    expect((await call(app, 'GET', '/actions', from('198.51.100.3', KEYS.alice))).status).toBe(200)

    const events = await authEvents(airlock, 2)
    expect(events).toHaveLength(2)
    const attacker = events.find((e) => e.context?.client_address === '203.0.113.7')
    expect(attacker).toMatchObject({
      action: 'airlock.auth',
      actor: 'unauthenticated',
      reason: '30 failed authentication attempts from 203.0.113.7',
      context: { failures: 30, throttled: 25, nothing_presented: 0, window_ms: 20 },
    })
    const bare = events.find((e) => e.context?.client_address === '198.51.100.2')
    expect(bare?.context).toMatchObject({ failures: 1, nothing_presented: 1 })
    expect(JSON.stringify(events)).not.toContain('ak_guess_')
    expect(await airlock.audit.verify()).toMatchObject({ valid: true })
  })

  it('keeps memory and events bounded when attempts come from many addresses', async () => {
    const airlock = makeAirlock({ auth_failures: { window_ms: 20, max_sources: 2 } })
    const app = makeApp(airlock, { trust_proxy: true, auth_throttle: false })
    for (let i = 1; i <= 6; i++) await call(app, 'GET', '/actions', from(`192.0.2.${i}`))
    const events = await authEvents(airlock, 3)
    expect(events).toHaveLength(3)
    expect(events.find((e) => e.context?.client_address === null)).toMatchObject({
      reason: '4 failed authentication attempts from client addresses past the first 2',
      context: { failures: 4 },
    })
  })

  it('records what is pending when the airlock closes', async () => {
    const airlock = makeAirlock({ auth_failures: { window_ms: 3_600_000 } })
    const app = makeApp(airlock, { trust_proxy: true })
    await call(app, 'GET', '/actions', from('192.0.2.9'))
    await airlock.close()
    // The memory store stays readable after close.
    const events = (await airlock.store.audit.list({}, 10)).items
    expect(events.map((e) => e.status)).toEqual(['auth_failed'])
  })
})
