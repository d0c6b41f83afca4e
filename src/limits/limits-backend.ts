/**
 * The storage contract behind rate limits, circuit breakers and cumulative
 * risk: three atomic counter operations. Memory and Redis implement it; one
 * conformance suite (`test/limits/conformance.ts`) holds both to it.
 *
 * @module
 */
import type { DependencyHealth } from '../health/dependency-circuit.js'

/** One sliding window to check and count in. */
export interface RateWindow {
  readonly key: string
  readonly max: number
  readonly window_ms: number
}

/** Arguments of {@link LimitsBackend.admit}. */
export interface AdmitRequest {
  /** Key of the caller's circuit breaker. */
  readonly breaker_key: string
  /** Every window the request must fit in (the caller's, and the caller's for this action). */
  readonly windows: readonly RateWindow[]
  /** Milliseconds since the epoch, or null for the backend's own clock (Redis: server time, shared by all replicas). */
  readonly now_ms: number | null
  /** Unique id of this request. */
  readonly id: string
}

export type AdmitResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly kind: 'breaker'; readonly retry_after_ms: number }
  /** `window` is the index in `windows` of the first window that is full. */
  | { readonly ok: false; readonly kind: 'rate'; readonly window: number; readonly retry_after_ms: number }

/** Arguments of {@link LimitsBackend.recordDenial}. */
export interface DenialRequest {
  readonly breaker_key: string
  readonly log_key: string
  /** Denials within `window_ms` that open the breaker. */
  readonly threshold: number
  readonly window_ms: number
  readonly cooldown_ms: number
  readonly now_ms: number | null
  readonly id: string
}

/** Arguments of {@link LimitsBackend.addRisk}. */
export interface RiskRequest {
  readonly key: string
  /** Whole, non-negative points to add. */
  readonly score: number
  readonly window_ms: number
  /** The window is kept as this many fixed sub-window buckets with a running sum. */
  readonly buckets: number
  readonly now_ms: number | null
}

/**
 * Atomic counters for limits.
 *
 * @remarks Every operation is atomic per caller across every process sharing
 * the backend: under any number of concurrent `admit` calls for one key, at
 * most `max` are admitted per window.
 */
export interface LimitsBackend {
  /** `memory` or `redis`. */
  readonly kind: string
  /** Whether a networked backend can be reached; absent for memory. */
  readonly health?: DependencyHealth
  /**
   * Refuses while the breaker is open; otherwise admits only if every window
   * has room, and then counts the request in every window. A refused request
   * is counted nowhere.
   */
  admit(request: AdmitRequest): Promise<AdmitResult>
  /**
   * Logs one denial. When the denials within the window reach the threshold
   * the breaker opens for the cooldown and the log starts afresh. Denials
   * while the breaker is open are not logged. Resolves true when this denial
   * opened the breaker.
   */
  recordDenial(request: DenialRequest): Promise<boolean>
  /** Adds points and returns the caller's total over the window (sub-window granularity). */
  addRisk(request: RiskRequest): Promise<number>
}
