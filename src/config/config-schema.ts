/**
 * The shape of `airlock.config.{yaml,ts,mjs}`: strict, so a mistyped key is an
 * error instead of a silently ignored setting.
 *
 * @module
 */
import { z } from 'zod'
import { redactionConfigSchema } from '../audit/redact.js'
import { DECISION_RESULTS } from '../policy/decision.js'
import { authConfigSchema } from './auth-config-schema.js'
import { duration, names, nonEmpty, pathList } from './config-schema-primitives.js'
import { executorsSchema } from './executors-config-schema.js'
import { keysSchema, sealSchema, ticketsSchema } from './keys-config-schema.js'
import { limitsSchema } from './limits-config-schema.js'
import { mcpConfigSchema } from './mcp-config-schema.js'
import { metricsSchema } from './metrics-config-schema.js'
import { policySchema } from './policy-config-schema.js'
import { channelsSchema, dashboardSchema, serverSchema } from './server-config-schema.js'
import { shippingSchema } from './shipping-config-schema.js'
import { tracingSchema } from './tracing-config-schema.js'
import { transparencySchema } from './transparency-config-schema.js'

export { authConfigSchema, DEFAULT_IDENTITY_AUDIENCE } from './auth-config-schema.js'

/** The store used when the file names none, relative to the config file. */
export const DEFAULT_CONFIG_STORE = 'sqlite:./.airlock/airlock.db'

/** Every key a configuration file may hold, as written (before defaults and path resolution). */
export const configFileSchema = z
  .strictObject({
    store: nonEmpty.default(DEFAULT_CONFIG_STORE),
    actions: pathList.default([]),
    /** Catalogues shipped in the package, by folder name under catalog/ (e.g. kubernetes, aws). */
    catalogs: names.default([]),
    modules: pathList.default([]),
    policies: pathList.default([]),
    default_decision: z.enum(DECISION_RESULTS).default('deny'),
    inventory: nonEmpty.optional(),
    auth: authConfigSchema,
    approvals: z
      .strictObject({
        ttl: duration.default(24 * 3_600_000),
        // Secure by default: in a gateway most principals are agents, so deciding needs a role.
        approver_roles: names.default(['approver']),
        allow_self_approval: z.boolean().default(false),
        require_full_view: z.boolean().default(false),
        sweep_interval: duration.default(30_000),
      })
      .prefault({}),
    idempotency: z
      .strictObject({
        wait: duration.default(5_000),
        lease: duration.default(30_000),
        retention: duration.default(24 * 3_600_000),
        /** Who shares a key: each actor its own (default), or the whole tenant. */
        scope: z.enum(['actor', 'tenant']).default('actor'),
      })
      .prefault({}),
    seal: sealSchema.optional(),
    keys: keysSchema.optional(),
    tickets: ticketsSchema.optional(),
    limits: limitsSchema.optional(),
    redaction: redactionConfigSchema.optional(),
    channels: channelsSchema.optional(),
    mcp: mcpConfigSchema.optional(),
    executors: executorsSchema.optional(),
    shipping: shippingSchema.optional(),
    server: serverSchema.prefault({}),
    dashboard: dashboardSchema.prefault({}),
    policy: policySchema.prefault({}),
    transparency: transparencySchema,
    metrics: metricsSchema.optional(),
    tracing: tracingSchema.optional(),
    unknown_actions: z.enum(['deny', 'evaluate']).default('deny'),
    audit_checks: z.boolean().default(true),
  })
  .superRefine((config, ctx) => {
    if ('keys' in (config.seal ?? {})) {
      const seal = config.seal as { keys: Record<string, string>; current: string }
      if (!(seal.current in seal.keys)) {
        ctx.addIssue({
          code: 'custom',
          path: ['seal', 'current'],
          message: `expected one of the ids under seal.keys (${Object.keys(seal.keys).join(', ') || 'none'})`,
        })
      }
    }
    const needsKeys =
      'needs signing keys: add a top-level keys section, e.g. keys: { key_file: ./.airlock/signing-key.json }'
    if (config.keys === undefined) {
      if (config.auth.identity_tokens !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['auth', 'identity_tokens'],
          message: `identity_tokens ${needsKeys}`,
        })
      }
      if (config.tickets !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['tickets'], message: `tickets ${needsKeys}` })
      }
    }
  })

/** A configuration as written (what `defineConfig` takes). */
export type ConfigFile = z.input<typeof configFileSchema>

/** A configuration after validation and defaults, with paths still as written. */
export type ParsedConfigFile = z.output<typeof configFileSchema>
