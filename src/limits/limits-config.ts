import { AirlockError } from '../errors/airlock-error.js'
import { ErrorCode } from '../errors/error-codes.js'
import { RISK_CLASSES, type RiskClass } from '../policy/risk-matrix.js'
import type { LimitsBackend } from './limits-backend.js'

/** A sliding-window rate limit. */
export interface RateLimitConfig {
  readonly max_requests: number
  readonly window_s: number
}

/** Pauses a caller after too many final denials. */
export interface CircuitBreakerConfig {
  /** The denial that brings the count within the window to this number opens the breaker. */
  readonly threshold: number
  /** Default 60. */
  readonly window_s?: number
  /** How long the breaker stays open. Default 300. */
  readonly cooldown_s?: number
}

/** Risk accumulated per caller, escalating or denying once it adds up. */
export interface CumulativeRiskConfig {
  /** Default 3600. */
  readonly window_s?: number
  /** Points per effective risk class. Default low 1, medium 5, high 15, critical 50. */
  readonly risk_scores?: Partial<Record<RiskClass, number>>
  /** A total at or above this escalates an allow to require_approval. Default 30. */
  readonly escalation_threshold?: number
  /** A total at or above this denies. Default 75; must exceed the escalation threshold. */
  readonly deny_threshold?: number
  /** Sub-window buckets; the window slides in steps of `window_s / buckets`. Default 60. */
  readonly buckets?: number
}

/** Configuration of {@link createLimits}. Each part is off unless configured. */
export interface LimitsConfig {
  /** Where counters live. Default: this process's memory (`memoryLimits()`); use `redisLimits()` for several replicas. */
  readonly backend?: LimitsBackend
  /** Requests per caller. */
  readonly rate_limit?: RateLimitConfig
  /** Requests per caller and action, by action name; `*` applies to every action not named. */
  readonly action_rate_limits?: Readonly<Record<string, RateLimitConfig>>
  readonly circuit_breaker?: CircuitBreakerConfig
  readonly cumulative_risk?: CumulativeRiskConfig
  /**
   * Clock in milliseconds, for tests. Default: the backend's own clock (for
   * Redis, the server's, so replicas with skewed clocks still agree).
   */
  readonly now?: () => number
}

export const DEFAULT_RISK_SCORES: Readonly<Record<RiskClass, number>> = {
  low: 1,
  medium: 5,
  high: 15,
  critical: 50,
}

/** Limits config with defaults applied and durations in milliseconds. */
export interface ResolvedLimits {
  readonly rate: { readonly max: number; readonly window_ms: number; readonly window_s: number } | null
  readonly actions: ReadonlyMap<
    string,
    { readonly max: number; readonly window_ms: number; readonly window_s: number }
  >
  readonly breaker: {
    readonly threshold: number
    readonly window_ms: number
    readonly cooldown_ms: number
  } | null
  readonly risk: {
    readonly window_ms: number
    readonly window_s: number
    readonly scores: Readonly<Record<RiskClass, number>>
    readonly escalation: number
    readonly deny: number
    readonly buckets: number
  } | null
}

function invalid(field: string, message: string): AirlockError {
  return new AirlockError(ErrorCode.CONFIG_INVALID, `Invalid limits config: ${field} ${message}`, {
    details: { field },
  })
}

function whole(field: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalid(field, `must be a whole number between ${min} and ${max}, got ${String(value)}`)
  }
  return value
}

function seconds(field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > 366 * 86_400) {
    throw invalid(field, `must be a number of seconds > 0, got ${String(value)}`)
  }
  const ms = Math.round(value * 1000)
  if (ms < 1) throw invalid(field, 'must be at least 1 ms')
  return ms
}

function rate(field: string, config: RateLimitConfig) {
  return {
    max: whole(`${field}.max_requests`, config.max_requests, 1),
    window_ms: seconds(`${field}.window_s`, config.window_s),
    window_s: config.window_s,
  }
}

/** Validates a limits config and applies defaults. Throws `CONFIG_INVALID` naming the field. */
export function resolveLimitsConfig(config: LimitsConfig): ResolvedLimits {
  const actions = new Map<string, ReturnType<typeof rate>>()
  for (const [name, limit] of Object.entries(config.action_rate_limits ?? {})) {
    actions.set(name, rate(`action_rate_limits.${name}`, limit))
  }
  const b = config.circuit_breaker
  const r = config.cumulative_risk
  let risk: ResolvedLimits['risk'] = null
  if (r) {
    const scores = { ...DEFAULT_RISK_SCORES }
    for (const [name, points] of Object.entries(r.risk_scores ?? {})) {
      if (!(RISK_CLASSES as readonly string[]).includes(name)) {
        throw invalid(
          `cumulative_risk.risk_scores.${name}`,
          `is not a risk class (${RISK_CLASSES.join(', ')})`,
        )
      }
      scores[name as RiskClass] = whole(`cumulative_risk.risk_scores.${name}`, points, 0, 1_000_000)
    }
    const escalation = whole('cumulative_risk.escalation_threshold', r.escalation_threshold ?? 30, 1)
    const deny = whole('cumulative_risk.deny_threshold', r.deny_threshold ?? 75, 1)
    if (escalation >= deny) {
      throw invalid(
        'cumulative_risk.escalation_threshold',
        `(${escalation}) must be below deny_threshold (${deny})`,
      )
    }
    const window_s = r.window_s ?? 3600
    risk = {
      window_ms: seconds('cumulative_risk.window_s', window_s),
      window_s,
      scores,
      escalation,
      deny,
      buckets: whole('cumulative_risk.buckets', r.buckets ?? 60, 1, 3600),
    }
  }
  return {
    rate: config.rate_limit ? rate('rate_limit', config.rate_limit) : null,
    actions,
    breaker: b
      ? {
          threshold: whole('circuit_breaker.threshold', b.threshold, 1),
          window_ms: seconds('circuit_breaker.window_s', b.window_s ?? 60),
          cooldown_ms: seconds('circuit_breaker.cooldown_s', b.cooldown_s ?? 300),
        }
      : null,
    risk,
  }
}
