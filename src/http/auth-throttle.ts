/**
 * Throttling of failed authentication: after too many 401s from one client
 * address, or for one key prefix, further attempts get 429 with Retry-After
 * until a cooldown passes. Counts live in a {@link LimitsBackend} (memory, or
 * Redis shared by replicas), as the other limits do.
 *
 * @module
 */
import { randomUUID } from 'node:crypto'
import type { LimitsBackend } from '../limits/limits-backend.js'
import { memoryLimits } from '../limits/memory/memory-limits.js'
import { HttpProblemError } from './problem.js'

/** Options of {@link authThrottle}. */
export interface AuthThrottleOptions {
  /** Failed attempts within `window_ms` that start the cooldown. Default 20. */
  readonly max_failures?: number
  /** Default 60 000. */
  readonly window_ms?: number
  /** How long attempts are refused once the limit is reached. Default 60 000. */
  readonly cooldown_ms?: number
  /**
   * Where counts are kept. Default: this process's memory. With Redis, every
   * replica sees the same counts; while Redis cannot be reached, attempts are
   * refused with 503 `LIMITS_UNAVAILABLE` rather than let through uncounted.
   */
  readonly backend?: LimitsBackend
  /** Told once each time a client or key prefix is throttled (never once per attempt). */
  readonly onThrottle?: (event: ThrottleEvent) => void
}

/** A client address or key prefix that has just been throttled. */
export interface ThrottleEvent {
  readonly key: string
  readonly failures: number
  readonly window_ms: number
  readonly cooldown_ms: number
}

/** The counters one request's failures go to. */
export interface AuthThrottleSubject {
  readonly address: string | null
  /** The first characters of the presented credential; enough to group one key's guesses, never the secret. */
  readonly key_prefix: string | null
}

export interface AuthThrottle {
  /** Throws a 429 problem while either counter of `subject` is cooling down. */
  check(subject: AuthThrottleSubject): Promise<void>
  /** Counts one failed attempt against both counters; resolves to the counters this attempt throttled. */
  fail(subject: AuthThrottleSubject): Promise<readonly ThrottleEvent[]>
}

const PREFIX_LENGTH = 8

/** The prefix of the credential in `Authorization: Bearer …` or an API key header, or null. */
export function credentialPrefix(request: Request, api_key_header: string | null): string | null {
  const bearer = /^Bearer\s+(\S+)/i.exec(request.headers.get('authorization') ?? '')?.[1]
  const key = bearer ?? (api_key_header ? request.headers.get(api_key_header) : null)
  return key ? key.slice(0, PREFIX_LENGTH) : null
}

// Braces make a Redis Cluster hash tag: a counter and its log land in one slot, as the scripts need.
function keys(subject: AuthThrottleSubject): string[] {
  const out: string[] = []
  if (subject.address) out.push(`authfail:{addr:${encodeURIComponent(subject.address)}}`)
  if (subject.key_prefix) out.push(`authfail:{key:${encodeURIComponent(subject.key_prefix)}}`)
  return out
}

/** A failed-authentication throttle. */
export function authThrottle(options: AuthThrottleOptions = {}): AuthThrottle {
  const max = options.max_failures ?? 20
  const window_ms = options.window_ms ?? 60_000
  const cooldown_ms = options.cooldown_ms ?? 60_000
  const backend = options.backend ?? memoryLimits()
  return {
    async check(subject) {
      for (const key of keys(subject)) {
        const result = await backend.admit({ breaker_key: key, windows: [], now_ms: null, id: randomUUID() })
        if (result.ok) continue
        const retry = Math.max(1, Math.ceil(result.retry_after_ms / 1000))
        throw new HttpProblemError(
          'RATE_LIMITED',
          `Too many failed authentication attempts; try again in ${retry}s`,
          { retry_after_s: retry },
          { 'retry-after': String(retry) },
        )
      }
    },
    async fail(subject) {
      const throttled: ThrottleEvent[] = []
      for (const key of keys(subject)) {
        const opened = await backend.recordDenial({
          breaker_key: key,
          log_key: `${key}:log`,
          threshold: max,
          window_ms,
          cooldown_ms,
          now_ms: null,
          id: randomUUID(),
        })
        if (!opened) continue
        const event = { key, failures: max, window_ms, cooldown_ms }
        throttled.push(event)
        options.onThrottle?.(event)
      }
      return throttled
    },
  }
}
