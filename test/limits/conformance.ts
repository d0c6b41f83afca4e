/**
 * One behaviour suite for every limits backend, driven by an injected clock
 * (the Redis scripts take the time as an argument, so they are tested the
 * same way).
 */
import { describe, expect, it } from 'vitest'
import type { Principal } from '../../src/identity/principal.js'
import { createLimits } from '../../src/limits/create-limits.js'
import type { LimitsBackend } from '../../src/limits/limits-backend.js'
import type { LimitsConfig } from '../../src/limits/limits-config.js'

/** A principal as an auth backend would produce it. */
export function principal(actor_id: string, tenant_id = 'acme'): Principal {
  return {
    actor_id,
    roles: [],
    groups: [],
    scopes: [],
    tenant_id,
    delegation_chain: [],
    auth: 'identity_token',
  }
}

/** A settable clock in milliseconds, starting at a fixed instant. */
export function fakeClock(start = Date.parse('2030-01-01T00:00:00Z')) {
  let now = start
  return {
    now: () => now,
    advance: (s: number) => {
      now += Math.round(s * 1000)
    },
  }
}

export function describeLimitsConformance(
  name: string,
  makeBackend: () => LimitsBackend | Promise<LimitsBackend>,
): void {
  const setup = async (config: Omit<LimitsConfig, 'backend' | 'now'>) => {
    const clock = fakeClock()
    const limits = createLimits({ ...config, backend: await makeBackend(), now: clock.now })
    return { limits, clock }
  }
  const agent = principal('deploy-agent')

  describe(`limits conformance: ${name}`, () => {
    it('admits max_requests per window, then refuses with the reason and when to retry', async () => {
      const { limits, clock } = await setup({ rate_limit: { max_requests: 3, window_s: 10 } })
      for (let i = 0; i < 3; i++) {
        expect(await limits.checkRate(agent, 'deploy')).toEqual({ ok: true })
        clock.advance(1)
      }
      expect(await limits.checkRate(agent, 'deploy')).toEqual({
        ok: false,
        kind: 'rate_limit',
        reason: "Rate limit exceeded for caller 'deploy-agent': 3 requests per 10s window.",
        retry_after_s: 7,
      })
    })

    it('does not count refused requests, and slides the window', async () => {
      const { limits, clock } = await setup({ rate_limit: { max_requests: 2, window_s: 10 } })
      await limits.checkRate(agent, 'a')
      clock.advance(5)
      await limits.checkRate(agent, 'a')
      for (let i = 0; i < 10; i++) expect((await limits.checkRate(agent, 'a')).ok).toBe(false)
      clock.advance(5.001) // the first request has left the window; the refused ones never entered it
      expect(await limits.checkRate(agent, 'a')).toEqual({ ok: true })
      expect((await limits.checkRate(agent, 'a')).ok).toBe(false)
    })

    it('limits each action separately per caller, and a request refused for its action uses no caller quota', async () => {
      const { limits } = await setup({
        rate_limit: { max_requests: 3, window_s: 60 },
        action_rate_limits: { deploy: { max_requests: 1, window_s: 60 } },
      })
      expect(await limits.checkRate(agent, 'deploy')).toEqual({ ok: true })
      for (let i = 0; i < 5; i++) {
        expect(await limits.checkRate(agent, 'deploy')).toMatchObject({
          ok: false,
          reason:
            "Rate limit exceeded for caller 'deploy-agent' on action 'deploy': 1 requests per 60s window.",
        })
      }
      expect(await limits.checkRate(agent, 'read')).toEqual({ ok: true })
      expect(await limits.checkRate(agent, 'read')).toEqual({ ok: true })
      expect(await limits.checkRate(agent, 'read')).toMatchObject({ ok: false, kind: 'rate_limit' })
    })

    it('applies the * action limit to actions not named', async () => {
      const { limits } = await setup({ action_rate_limits: { '*': { max_requests: 1, window_s: 60 } } })
      expect((await limits.checkRate(agent, 'a')).ok).toBe(true)
      expect((await limits.checkRate(agent, 'b')).ok).toBe(true)
      expect((await limits.checkRate(agent, 'a')).ok).toBe(false)
    })

    it('keys limits by tenant and actor, with no way to spell one caller as another', async () => {
      const { limits } = await setup({ rate_limit: { max_requests: 1, window_s: 60 } })
      expect((await limits.checkRate(principal('b:c', 'a'), 'x')).ok).toBe(true)
      expect((await limits.checkRate(principal('c', 'a:b'), 'x')).ok).toBe(true)
      expect((await limits.checkRate(principal('deploy-agent', 'other'), 'x')).ok).toBe(true)
      expect((await limits.checkRate(agent, 'x')).ok).toBe(true)
      expect((await limits.checkRate(agent, 'x')).ok).toBe(false)
    })

    it('opens the circuit breaker on the Nth denial, counts down, and resumes after the cooldown', async () => {
      const { limits, clock } = await setup({
        circuit_breaker: { threshold: 3, window_s: 60, cooldown_s: 300 },
      })
      await limits.recordDenial(agent)
      await limits.recordDenial(agent)
      expect(await limits.checkRate(agent, 'a')).toEqual({ ok: true })
      await limits.recordDenial(agent)
      expect(await limits.checkRate(agent, 'a')).toEqual({
        ok: false,
        kind: 'circuit_breaker',
        reason:
          "Circuit breaker open for caller 'deploy-agent': too many denied requests. Auto-resumes in 300s.",
        retry_after_s: 300,
      })
      expect((await limits.checkRate(principal('someone-else'), 'a')).ok).toBe(true)
      clock.advance(258)
      expect(await limits.checkRate(agent, 'a')).toMatchObject({
        reason: expect.stringMatching(/Auto-resumes in 42s\.$/),
      })
      clock.advance(42)
      expect(await limits.checkRate(agent, 'a')).toEqual({ ok: true })
      // The denial log started afresh when the breaker opened.
      await limits.recordDenial(agent)
      await limits.recordDenial(agent)
      expect(await limits.checkRate(agent, 'a')).toEqual({ ok: true })
    })

    it('forgets denials older than the breaker window', async () => {
      const { limits, clock } = await setup({
        circuit_breaker: { threshold: 3, window_s: 60, cooldown_s: 300 },
      })
      await limits.recordDenial(agent)
      await limits.recordDenial(agent)
      clock.advance(61)
      await limits.recordDenial(agent)
      expect(await limits.checkRate(agent, 'a')).toEqual({ ok: true })
    })

    it('adds up risk, escalating and then denying at the thresholds', async () => {
      const { limits } = await setup({ cumulative_risk: {} })
      expect(await limits.addRisk(agent, 'low')).toMatchObject({
        score: 1,
        class: 'low',
        verdict: null,
        reason: null,
      })
      expect(await limits.addRisk(agent, 'high')).toMatchObject({ score: 16, class: 'medium', verdict: null })
      expect(await limits.addRisk(agent, 'high')).toMatchObject({
        score: 31,
        class: 'high',
        verdict: 'escalate',
        reason: 'Escalated by cumulative risk (31 >= 30)',
      })
      expect(await limits.addRisk(agent, 'critical')).toMatchObject({
        score: 81,
        class: 'critical',
        verdict: 'deny',
        reason: 'Cumulative risk threshold exceeded (81 >= 75)',
      })
      expect(await limits.addRisk(principal('other'), 'low')).toMatchObject({ score: 1 })
    })

    it('lets risk age out of the window, one sub-window bucket at a time', async () => {
      const { limits, clock } = await setup({ cumulative_risk: { window_s: 60, buckets: 6 } })
      await limits.addRisk(agent, 'medium') // bucket 0
      clock.advance(30)
      await limits.addRisk(agent, 'high') // bucket 3
      clock.advance(29)
      expect(await limits.addRisk(agent, 'low')).toMatchObject({ score: 21 })
      clock.advance(1.5) // 60.5 s: the first bucket has left the window
      expect(await limits.addRisk(agent, 'low')).toMatchObject({ score: 17 })
      clock.advance(3600)
      expect(await limits.addRisk(agent, 'low')).toMatchObject({ score: 1 })
    })

    it('uses the configured risk scores', async () => {
      const { limits } = await setup({
        cumulative_risk: {
          risk_scores: { low: 0, critical: 100 },
          escalation_threshold: 10,
          deny_threshold: 20,
        },
      })
      expect(await limits.addRisk(agent, 'low')).toMatchObject({ score: 0, verdict: null })
      expect(await limits.addRisk(agent, 'critical')).toMatchObject({ score: 100, verdict: 'deny' })
    })

    it('admits exactly max_requests of many concurrent checks', async () => {
      const { limits } = await setup({ rate_limit: { max_requests: 50, window_s: 60 } })
      const results = await Promise.all(Array.from({ length: 200 }, () => limits.checkRate(agent, 'a')))
      expect(results.filter((r) => r.ok)).toHaveLength(50)
    })
  })
}
