/**
 * Limits: per-caller sliding-window rate limits, a circuit breaker on repeated
 * denials, and cumulative risk, keyed by the authenticated principal. Kept in
 * memory by default; `airlock/redis` shares them across replicas.
 *
 * @module
 */
export { createLimits, type Limits, type RateCheck, type RiskAssessment } from './create-limits.js'
export type {
  AdmitRequest,
  AdmitResult,
  DenialRequest,
  LimitsBackend,
  RateWindow,
  RiskRequest,
} from './limits-backend.js'
export {
  type CircuitBreakerConfig,
  type CumulativeRiskConfig,
  DEFAULT_RISK_SCORES,
  type LimitsConfig,
  type RateLimitConfig,
  resolveLimitsConfig,
} from './limits-config.js'
export { type MemoryLimitsOptions, memoryLimits } from './memory/index.js'
