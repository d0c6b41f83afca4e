/**
 * The `metrics` section of a configuration file: `GET /metrics` in
 * Prometheus format, and who may scrape it.
 *
 * @module
 */
import { z } from 'zod'
import { names, nonEmpty } from './config-schema-primitives.js'

/** `metrics:` as written. */
export const metricsSchema = z
  .strictObject({
    enabled: z.boolean().default(true),
    /** A bearer token scrapers send (`Authorization: Bearer <token>`); use ${ENV} to keep it out of the file. */
    token: nonEmpty.min(16, 'expected a token of at least 16 characters').optional(),
    /** Authenticated callers with one of these roles may scrape too. */
    roles: names.default([]),
  })
  .refine((m) => !m.enabled || m.token !== undefined || m.roles.length > 0, {
    message: 'expected a token or roles: metrics are never served to anyone who asks',
  })

/** The `metrics` section after defaults; null when absent or disabled. */
export interface MetricsConfig {
  readonly token: string | null
  readonly roles: readonly string[]
}

/** The parsed section as the gateway uses it. */
export function resolveMetrics(parsed: z.output<typeof metricsSchema> | undefined): MetricsConfig | null {
  if (!parsed?.enabled) return null
  return { token: parsed.token ?? null, roles: parsed.roles }
}
