/**
 * The `limits` section of a configuration file: rate limits, circuit breaker
 * and cumulative risk, in memory or shared through Redis.
 *
 * @module
 */
import { z } from 'zod'
import { nonEmpty, wholeAtLeast, window } from './config-schema-primitives.js'

const rateLimitSchema = z.strictObject(
  { max_requests: wholeAtLeast(1), window },
  { error: 'expected { max_requests: <n>, window: <duration> }' },
)

/** `redis://` or `rediss://` with a host; checked here so a typo fails at load rather than at the first request. */
const redisUrl = nonEmpty.refine(
  (text) => {
    try {
      const url = new URL(text)
      return (url.protocol === 'redis:' || url.protocol === 'rediss:') && url.hostname !== ''
    } catch {
      return false
    }
  },
  { message: 'expected a Redis URL such as redis://127.0.0.1:6379 or rediss://user:pass@host:6380/0' },
)

export const limitsSchema = z
  .strictObject({
    /** Shared counters for several gateway replicas; default: this process's memory. */
    redis: redisUrl.optional(),
    redis_prefix: nonEmpty.optional(),
    rate_limit: rateLimitSchema.optional(),
    action_rate_limits: z
      .record(nonEmpty, rateLimitSchema, { error: 'expected a map of action name to rate limit' })
      .optional(),
    circuit_breaker: z
      .strictObject({
        threshold: wholeAtLeast(1),
        window: window.default(60_000),
        cooldown: window.default(300_000),
      })
      .optional(),
    cumulative_risk: z
      .strictObject({
        window: window.default(3_600_000),
        risk_scores: z
          .strictObject({
            low: wholeAtLeast(0).optional(),
            medium: wholeAtLeast(0).optional(),
            high: wholeAtLeast(0).optional(),
            critical: wholeAtLeast(0).optional(),
          })
          .optional(),
        escalation_threshold: wholeAtLeast(1).default(30),
        deny_threshold: wholeAtLeast(1).default(75),
      })
      .optional(),
  })
  .superRefine((limits, ctx) => {
    const risk = limits.cumulative_risk
    if (risk && risk.escalation_threshold >= risk.deny_threshold) {
      ctx.addIssue({
        code: 'custom',
        path: ['cumulative_risk', 'escalation_threshold'],
        message: `expected escalation_threshold (${risk.escalation_threshold}) below deny_threshold (${risk.deny_threshold}), or nothing would ever be escalated before it is denied`,
      })
    }
    if (limits.redis_prefix !== undefined && limits.redis === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['redis_prefix'],
        message: 'redis_prefix needs limits.redis (the memory backend has no prefix)',
      })
    }
  })
