/**
 * The sections of a configuration file about what the gateway serves:
 * `server` (listener, logging), `dashboard` and approval `channels`.
 *
 * @module
 */
import { z } from 'zod'
import { byteSize, duration, names, nonEmpty } from './config-schema-primitives.js'

export const serverSchema = z.strictObject({
  host: nonEmpty.default('127.0.0.1'),
  port: z
    .int({ error: 'expected a port number from 0 to 65535 (0 picks a free port)' })
    .min(0, 'expected a port number from 0 to 65535 (0 picks a free port)')
    .max(65535, 'expected a port number from 0 to 65535 (0 picks a free port)')
    .default(8420),
  base_path: z
    .string()
    .regex(/^\/[A-Za-z0-9._~\-/]*$/, "expected a path starting with '/', e.g. / or /airlock")
    .default('/'),
  body_limit: byteSize.default(1024 * 1024),
  shutdown_timeout: duration.default(10_000),
  log_level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** `auto`: readable lines when stdout is a terminal, JSON lines otherwise. */
  log_format: z.enum(['auto', 'json', 'pretty']).default('auto'),
  /** A line printed once at start, e.g. how to reach a demo. */
  banner: z.string().optional(),
  /** Roles that may reload policy and freeze or unfreeze requests over HTTP. */
  admin_roles: names.default(['admin']),
  /** Roles that read every audit event and approval of their tenant over the API, and verify the chain. */
  auditor_roles: names.default(['auditor']),
})

/** The dashboard the gateway serves at `<base_path>/ui`. */
export const dashboardSchema = z.strictObject({
  enabled: z.boolean().default(true),
  /** Roles that may read the audit explorer, overview and policies besides the approvers. */
  auditor_roles: names.default(['auditor']),
  session_ttl: duration.default(8 * 3_600_000),
  session_idle: duration.default(30 * 60_000),
  /** Force the session cookie's Secure flag (set automatically when served over HTTPS). */
  secure_cookies: z.boolean().optional(),
  /** Seed a few clearly marked sample requests into an empty audit chain at start. */
  demo: z.boolean().default(false),
})

/** Where held requests are announced. */
export const channelsSchema = z.strictObject({
  webhook: z
    .strictObject({
      url: z.url({ error: 'expected an http(s) URL to POST approval requests to' }),
      secret: nonEmpty,
      allow_private: z.boolean().default(false),
    })
    .optional(),
  slack: z
    .strictObject({
      bot_token: nonEmpty,
      channel: nonEmpty,
      signing_secret: nonEmpty,
      users: z.record(
        z.string().regex(/^[UW][A-Z0-9]+$/, 'expected Slack user ids such as U024BE7LH'),
        z.strictObject({ actor_id: nonEmpty, roles: names.default([]), tenant_id: nonEmpty.optional() }),
        { error: 'expected a map of Slack user id → { actor_id, roles }' },
      ),
      path: z
        .string()
        .regex(/^\/[A-Za-z0-9._~\-/]+$/, 'expected an absolute path such as /slack/interactions')
        .default('/slack/interactions'),
      api_base_url: z.url({ error: 'expected a URL' }).optional(),
    })
    .optional(),
})
