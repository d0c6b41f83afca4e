import { describe, expect, it } from 'vitest'
import { createLimits } from '../../src/limits/create-limits.js'
import { memoryLimits } from '../../src/limits/memory/index.js'
import { describeLimitsConformance, fakeClock, principal } from './conformance.js'

describeLimitsConformance('memory', () => memoryLimits())

describe('memory limits', () => {
  it('forgets callers once nothing of theirs still counts', async () => {
    const backend = memoryLimits()
    const clock = fakeClock()
    const limits = createLimits({
      backend,
      now: clock.now,
      rate_limit: { max_requests: 5, window_s: 10 },
      cumulative_risk: { window_s: 10 },
    })
    for (let i = 0; i < 1000; i++) {
      await limits.checkRate(principal(`agent-${i}`), 'a')
      await limits.addRisk(principal(`agent-${i}`), 'low')
    }
    expect(backend.size()).toBe(2000)
    clock.advance(60)
    for (let i = 0; i < 1000; i++) await limits.checkRate(principal('steady'), 'a').catch(() => undefined)
    expect(backend.size()).toBeLessThan(10)
  })

  it('keeps at most max_keys callers however many there are', async () => {
    const backend = memoryLimits({ max_keys: 100 })
    const limits = createLimits({ backend, rate_limit: { max_requests: 5, window_s: 3600 } })
    for (let i = 0; i < 10_000; i++) await limits.checkRate(principal(`agent-${i}`), 'a')
    expect(backend.size()).toBeLessThanOrEqual(100)
  })

  it('takes constant time per risk check however many entries the window holds', async () => {
    const limits = createLimits({
      cumulative_risk: { window_s: 3600, deny_threshold: 1_000_000_000, escalation_threshold: 1 },
    })
    const agent = principal('busy')
    const time = async (n: number) => {
      const start = performance.now()
      for (let i = 0; i < n; i++) await limits.addRisk(agent, 'low')
      return (performance.now() - start) / n
    }
    await time(1000)
    const early = await time(5000)
    for (let i = 0; i < 45_000; i++) await limits.addRisk(agent, 'low')
    const late = await time(5000)
    // The reference design re-sums the window: 50k entries made each check ~70x slower.
    expect(late).toBeLessThan(Math.max(early * 5, 0.02))
  })
})

describe('limits config', () => {
  it('refuses an escalation threshold that is not below the deny threshold', () => {
    expect(() => createLimits({ cumulative_risk: { escalation_threshold: 80, deny_threshold: 75 } })).toThrow(
      /escalation_threshold \(80\) must be below deny_threshold \(75\)/,
    )
  })

  it('refuses nonsense numbers, naming the field', () => {
    expect(() => createLimits({ rate_limit: { max_requests: 0, window_s: 60 } })).toThrow(
      /rate_limit\.max_requests/,
    )
    expect(() => createLimits({ circuit_breaker: { threshold: 3, cooldown_s: -1 } })).toThrow(/cooldown_s/)
    expect(() => createLimits({ cumulative_risk: { risk_scores: { extreme: 5 } as never } })).toThrow(
      /not a risk class/,
    )
  })

  it('admits everything and reports no risk when nothing is configured', async () => {
    const limits = createLimits()
    expect(await limits.checkRate(principal('a'), 'x')).toEqual({ ok: true })
    await limits.recordDenial(principal('a'))
    expect(await limits.addRisk(principal('a'), 'critical')).toBeNull()
  })
})
