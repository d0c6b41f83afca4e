import type { Principal } from '../identity/principal.js'
import { randomBase64url } from '../internal/random-pool.js'
import type { RiskClass } from '../policy/risk-matrix.js'
import type { LimitsBackend, RateWindow } from './limits-backend.js'
import { type LimitsConfig, resolveLimitsConfig } from './limits-config.js'
import { memoryLimits } from './memory/memory-limits.js'

/** The outcome of {@link Limits.checkRate}. */
export type RateCheck =
  | { readonly ok: true }
  | {
      readonly ok: false
      readonly kind: 'rate_limit' | 'circuit_breaker'
      readonly reason: string
      /** Whole seconds until a retry can succeed (at least 1). */
      readonly retry_after_s: number
    }

/** The caller's cumulative risk after adding one decision's. */
export interface RiskAssessment {
  readonly score: number
  /** For display: critical at or above the deny threshold, high at or above escalation, medium at half of it. */
  readonly class: RiskClass
  /** `deny` at or above the deny threshold, `escalate` at or above escalation, else null. */
  readonly verdict: 'escalate' | 'deny' | null
  /** Reason for the verdict, without the original decision's reason (append `. Original: …`). */
  readonly reason: string | null
  readonly window_s: number
}

/** Rate limits, circuit breaker and cumulative risk for authenticated principals. */
export interface Limits {
  /**
   * Checks the circuit breaker and the rate limits, and counts the request if
   * admitted. Call in the authorize stage before policy evaluation; a refusal
   * is a final deny that must not be passed to {@link Limits.recordDenial}.
   */
  checkRate(principal: Principal, action: string): Promise<RateCheck>
  /**
   * Counts one final deny towards the circuit breaker. Call for every final
   * deny except the limiter's own refusals. No-op without a breaker configured.
   */
  recordDenial(principal: Principal): Promise<void>
  /**
   * Adds the effective risk of a non-deny decision (allow or require_approval)
   * and assesses the total. Returns null when cumulative risk is not configured.
   * @remarks O(1) per call: the window is a fixed number of sub-window buckets with a running sum.
   */
  addRisk(principal: Principal, effective_risk: RiskClass): Promise<RiskAssessment | null>
}

/** Per-caller key part. Encoded so no tenant/actor pair can be spelled two ways; braces make it a Redis Cluster hash tag. */
function subject(principal: Principal): string {
  return `{${encodeURIComponent(principal.tenant_id)}:${encodeURIComponent(principal.actor_id)}}`
}

function seconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000))
}

function formatWindow(window_s: number): string {
  return Number.isInteger(window_s) ? `${window_s}` : window_s.toFixed(1)
}

/**
 * Builds the limits stage from configuration.
 *
 * @remarks Keys are the authenticated principal's `tenant_id` and `actor_id`,
 * never a name the caller asserts about itself. With a shared backend
 * (`redisLimits`) the limits hold across every replica.
 */
export function createLimits(config: LimitsConfig = {}): Limits {
  const resolved = resolveLimitsConfig(config)
  const backend: LimitsBackend = config.backend ?? memoryLimits()
  const clock = config.now ?? null
  const now = () => (clock ? clock() : null)
  const id = () => randomBase64url(9)

  return {
    async checkRate(principal, action) {
      const s = subject(principal)
      const windows: RateWindow[] = []
      const describe: string[] = []
      if (resolved.rate) {
        windows.push({ key: `rate:${s}`, max: resolved.rate.max, window_ms: resolved.rate.window_ms })
        describe.push(
          `Rate limit exceeded for caller '${principal.actor_id}': ${resolved.rate.max} requests per ${formatWindow(resolved.rate.window_s)}s window.`,
        )
      }
      const perAction = resolved.actions.get(action) ?? resolved.actions.get('*')
      if (perAction) {
        windows.push({
          key: `rate:${s}:${encodeURIComponent(action)}`,
          max: perAction.max,
          window_ms: perAction.window_ms,
        })
        describe.push(
          `Rate limit exceeded for caller '${principal.actor_id}' on action '${action}': ${perAction.max} requests per ${formatWindow(perAction.window_s)}s window.`,
        )
      }
      if (windows.length === 0 && !resolved.breaker) return { ok: true }
      const result = await backend.admit({ breaker_key: `brk:${s}`, windows, now_ms: now(), id: id() })
      if (result.ok) return { ok: true }
      const retry_after_s = seconds(result.retry_after_ms)
      if (result.kind === 'breaker') {
        return {
          ok: false,
          kind: 'circuit_breaker',
          reason: `Circuit breaker open for caller '${principal.actor_id}': too many denied requests. Auto-resumes in ${retry_after_s}s.`,
          retry_after_s,
        }
      }
      return { ok: false, kind: 'rate_limit', reason: describe[result.window] ?? describe[0]!, retry_after_s }
    },

    async recordDenial(principal) {
      const b = resolved.breaker
      if (!b) return
      const s = subject(principal)
      await backend.recordDenial({
        breaker_key: `brk:${s}`,
        log_key: `deny:${s}`,
        threshold: b.threshold,
        window_ms: b.window_ms,
        cooldown_ms: b.cooldown_ms,
        now_ms: now(),
        id: id(),
      })
    },

    async addRisk(principal, effective_risk) {
      const r = resolved.risk
      if (!r) return null
      const score = await backend.addRisk({
        key: `risk:${subject(principal)}`,
        score: r.scores[effective_risk] ?? 0,
        window_ms: r.window_ms,
        buckets: r.buckets,
        now_ms: now(),
      })
      const verdict = score >= r.deny ? 'deny' : score >= r.escalation ? 'escalate' : null
      return {
        score,
        class:
          score >= r.deny
            ? 'critical'
            : score >= r.escalation
              ? 'high'
              : score >= Math.floor(r.escalation / 2)
                ? 'medium'
                : 'low',
        verdict,
        reason:
          verdict === 'deny'
            ? `Cumulative risk threshold exceeded (${score} >= ${r.deny})`
            : verdict === 'escalate'
              ? `Escalated by cumulative risk (${score} >= ${r.escalation})`
              : null,
        window_s: r.window_s,
      }
    },
  }
}
