/**
 * The `limits` section: rate limits, the circuit breaker and cumulative
 * risk, in milliseconds, with the default risk scores filled in.
 *
 * @module
 */
import { stripUndefined } from '../internal/strip-undefined.js'
import { DEFAULT_RISK_SCORES } from '../limits/limits-config.js'
import type { ParsedConfigFile } from './config-schema.js'
import type { RateLimitEntry, ResolvedLimitsConfig } from './resolved-config.js'

function rateLimit(limit: { max_requests: number; window: number }): RateLimitEntry {
  return { max_requests: limit.max_requests, window_ms: limit.window }
}

export function resolveLimits(config: ParsedConfigFile): ResolvedLimitsConfig | null {
  const limits = config.limits
  if (limits === undefined) return null
  const breaker = limits.circuit_breaker
  const risk = limits.cumulative_risk
  return {
    redis: limits.redis ?? null,
    redis_prefix: limits.redis_prefix ?? 'airlock:',
    rate_limit: limits.rate_limit === undefined ? null : rateLimit(limits.rate_limit),
    action_rate_limits: Object.fromEntries(
      Object.entries(limits.action_rate_limits ?? {}).map(([name, limit]) => [name, rateLimit(limit)]),
    ),
    circuit_breaker:
      breaker === undefined
        ? null
        : { threshold: breaker.threshold, window_ms: breaker.window, cooldown_ms: breaker.cooldown },
    cumulative_risk:
      risk === undefined
        ? null
        : {
            window_ms: risk.window,
            risk_scores: { ...DEFAULT_RISK_SCORES, ...stripUndefined(risk.risk_scores ?? {}) },
            escalation_threshold: risk.escalation_threshold,
            deny_threshold: risk.deny_threshold,
          },
  }
}
