/**
 * The shape of `airlock.config.{yaml,ts,mjs}`: strict, so a mistyped key is an
 * error instead of a silently ignored setting.
 *
 * @module
 */
import { z } from 'zod'
import { redactionConfigSchema } from '../audit/redact.js'
import { DEFAULT_ISSUER, SIGNING_ALGORITHMS } from '../identity/tokens/key-set.js'
import { DECISION_RESULTS } from '../policy/decision.js'
import { DEFAULT_TICKET_TTL_S, MAX_TICKET_TTL_S } from '../tickets/issue-ticket.js'
import { mcpConfigSchema } from './mcp-config-schema.js'
import { BYTE_SIZE_EXPECTED, parseByteSize } from './parse-byte-size.js'
import { DURATION_EXPECTED, parseDuration } from './parse-duration.js'

/** `aud` of identity tokens when neither the config nor `airlock token issue --audience` names one. */
export const DEFAULT_IDENTITY_AUDIENCE = 'airlock'

/** The store used when the file names none, relative to the config file. */
export const DEFAULT_CONFIG_STORE = 'sqlite:./.airlock/airlock.db'

const nonEmpty = z.string({ error: 'expected a non-empty string' }).min(1, 'expected a non-empty string')
const names = z.array(nonEmpty, { error: 'expected a list of strings' })

/** One path or a list of them; always a list after parsing. */
const pathList = z
  .union([nonEmpty, names], { error: 'expected a path or a list of paths' })
  .transform((v) => (typeof v === 'string' ? [v] : v))

const got = (expected: string) => (iss: { input?: unknown }) =>
  iss.input === undefined ? `${expected}` : `${expected}, got ${JSON.stringify(iss.input)}`

const duration = z.string({ error: got(DURATION_EXPECTED) }).transform((text, ctx) => {
  const ms = parseDuration(text)
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: `${DURATION_EXPECTED}, got '${text}'` })
    return z.NEVER
  }
  return ms
})

/** A duration above zero and at most a year: windows and cooldowns. */
const window = duration.refine((ms) => ms > 0 && ms <= 366 * 86_400_000, {
  message: 'expected a duration above zero and at most 366d, e.g. 60s, 5m or 1h',
})

const wholeAtLeast = (min: number) =>
  z
    .int({ error: got(`expected a whole number of at least ${min}`) })
    .min(min, `expected a whole number of at least ${min}`)

const byteSize = z.string({ error: got(BYTE_SIZE_EXPECTED) }).transform((text, ctx) => {
  const bytes = parseByteSize(text)
  if (bytes === undefined || bytes < 1) {
    ctx.addIssue({ code: 'custom', message: `${BYTE_SIZE_EXPECTED}, got '${text}'` })
    return z.NEVER
  }
  return bytes
})

const SHA256_HEX = /^[0-9a-f]{64}$/

const apiKeySchema = z.strictObject({
  id: nonEmpty,
  sha256: z
    .string({ error: 'expected the SHA-256 of the key as 64 lower-case hex characters' })
    .regex(
      SHA256_HEX,
      'expected the SHA-256 of the key as 64 lower-case hex characters (airlock init prints one)',
    ),
  actor_id: nonEmpty,
  roles: names.default([]),
  groups: names.default([]),
  scopes: names.default([]),
  tenant_id: nonEmpty.optional(),
})

const stringOrList = z.union([nonEmpty, names.min(1, 'expected at least one value')], {
  error: 'expected a string or a list of strings',
})

const jwtSchema = z
  .strictObject({
    issuer: stringOrList,
    audience: stringOrList,
    /** HS256/384/512 shared secret, at least 32 bytes. */
    secret: nonEmpty.optional(),
    /** PEM public key or certificate (RS/PS/ES/EdDSA). */
    public_key: nonEmpty.optional(),
    jwks_url: z.url({ error: 'expected an https:// URL of a JWKS document' }).optional(),
    algorithms: names.optional(),
    clock_tolerance: duration.optional(),
    claims: z
      .strictObject({
        actor: nonEmpty.optional(),
        roles: nonEmpty.optional(),
        groups: nonEmpty.optional(),
        scopes: nonEmpty.optional(),
        tenant: nonEmpty.optional(),
      })
      .optional(),
  })
  .refine((j) => [j.secret, j.public_key, j.jwks_url].filter((v) => v !== undefined).length === 1, {
    message: 'expected exactly one of secret, public_key or jwks_url',
  })

const trustedHeadersSchema = z.strictObject({
  /** The secret the fronting proxy sends; without it anyone reaching the port can claim any identity. */
  shared_secret: z.string().min(16, 'expected a secret of at least 16 characters').optional(),
  /** Header carrying the secret. Default `x-airlock-proxy-secret`. */
  header: nonEmpty.optional(),
})

const identityTokensSchema = z.strictObject(
  {
    /** `aud` the tokens must carry; `airlock token issue` uses the same default. */
    audience: nonEmpty.default(DEFAULT_IDENTITY_AUDIENCE),
    clock_tolerance: duration.optional(),
  },
  { error: 'expected { audience: <name> }' },
)

export const authConfigSchema = z
  .strictObject(
    {
      api_keys: z.array(apiKeySchema, { error: 'expected a list of api keys' }).optional(),
      jwt: jwtSchema.optional(),
      identity_tokens: identityTokensSchema.optional(),
      trusted_headers: trustedHeadersSchema.optional(),
      /** Header that may carry an API key instead of `Authorization: Bearer`. Default `x-api-key`. */
      api_key_header: nonEmpty.optional(),
      anonymous: z.boolean().optional(),
    },
    {
      error:
        'expected an auth section: api_keys, jwt, identity_tokens or trusted_headers, or anonymous: true',
    },
  )
  .superRefine((auth, ctx) => {
    const backends =
      (auth.api_keys?.length ?? 0) > 0 ||
      auth.jwt !== undefined ||
      auth.identity_tokens !== undefined ||
      auth.trusted_headers !== undefined
    if (auth.anonymous === true && backends) {
      ctx.addIssue({
        code: 'custom',
        path: ['anonymous'],
        message: 'anonymous: true cannot be combined with api_keys, jwt, identity_tokens or trusted_headers',
      })
    } else if (auth.anonymous !== true && !backends) {
      ctx.addIssue({
        code: 'custom',
        message:
          'expected at least one of api_keys, jwt, identity_tokens or trusted_headers (or anonymous: true, for local experiments)',
      })
    }
    const seen = new Set<string>()
    auth.api_keys?.forEach((key, i) => {
      if (seen.has(key.id)) {
        ctx.addIssue({
          code: 'custom',
          path: ['api_keys', i, 'id'],
          message: `duplicate api key id '${key.id}'`,
        })
      }
      seen.add(key.id)
    })
  })

const sealSchema = z.union(
  [
    z.strictObject({
      keys: z.record(
        z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'key ids are letters, digits, _ and -'),
        nonEmpty,
      ),
      current: nonEmpty,
    }),
    z.strictObject({
      key_file: nonEmpty,
      key_id: z
        .string()
        .regex(/^[A-Za-z0-9_-]{1,64}$/, 'key ids are letters, digits, _ and -')
        .default('k1'),
    }),
  ],
  { error: 'expected either { keys: { <id>: <base64 32 bytes> }, current: <id> } or { key_file: <path> }' },
)

/** One configured JWK; `createKeySet` checks the key material itself. */
const jwkSchema = z.looseObject(
  {
    kid: z.string({ error: 'expected a key id (kid)' }).min(1, 'expected a key id (kid)'),
    alg: z.enum(['EdDSA', 'HS256'], {
      error: `expected alg ${SIGNING_ALGORITHMS.join(' or ')}, pinned per key`,
    }),
  },
  { error: 'expected a JWK object with kid and alg, e.g. from `airlock keys generate`' },
)

const keysSchema = z
  .strictObject(
    {
      /** A JSON file holding a private JWK Set, created on first start when missing. */
      key_file: nonEmpty.optional(),
      jwks: z
        .array(jwkSchema, { error: 'expected a list of private JWKs' })
        .min(1, 'expected at least one JWK')
        .optional(),
      /** The key that signs; default the first key with a private part. */
      signing_kid: nonEmpty.optional(),
      issuer: nonEmpty.default(DEFAULT_ISSUER),
    },
    { error: 'expected { key_file: <path> } or { jwks: [ <private JWK>, ... ] }' },
  )
  .refine((k) => (k.key_file === undefined) !== (k.jwks === undefined), {
    message: 'expected exactly one of key_file or jwks',
  })

const ticketsSchema = z.strictObject({
  ttl: duration
    .refine((ms) => ms >= 1000 && ms <= MAX_TICKET_TTL_S * 1000 && ms % 1000 === 0, {
      message: `expected whole seconds from 1s to ${MAX_TICKET_TTL_S / 60}m, e.g. 5m`,
    })
    .default(DEFAULT_TICKET_TTL_S * 1000),
  /** `aud` of issued tickets: the executor that redeems them. */
  audience: nonEmpty.optional(),
})

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

const limitsSchema = z
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

const serverSchema = z.strictObject({
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
  /** A line printed once at start, e.g. how to reach a demo. */
  banner: z.string().optional(),
  /** Roles that may reload policy and freeze or unfreeze requests over HTTP. */
  admin_roles: names.default(['admin']),
})

/** The dashboard the gateway serves at `<base_path>/ui`. */
const dashboardSchema = z.strictObject({
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

/** How the policy set is named, reloaded and shadowed. */
const policySchema = z.strictObject({
  /** A human name shown beside the content hash, e.g. `2026-12 tighten deletes`. */
  label: nonEmpty.optional(),
  /** Reload when a policy, action or inventory file changes. */
  watch: z.boolean().default(false),
  /** Quiet time after the last change before a watched reload. */
  watch_debounce: duration.default(500),
  /** A candidate policy file or folder decided beside the enforced set (shadow mode). */
  shadow: nonEmpty.optional(),
  /** How often replicas sharing a PostgreSQL store look for a reload announced by another. */
  announce_interval: duration.default(1_000),
})

/** Where held requests are announced. */
const channelsSchema = z.strictObject({
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

/** Every key a configuration file may hold, as written (before defaults and path resolution). */
export const configFileSchema = z
  .strictObject({
    store: nonEmpty.default(DEFAULT_CONFIG_STORE),
    actions: pathList.default([]),
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
        sweep_interval: duration.default(30_000),
      })
      .prefault({}),
    idempotency: z
      .strictObject({
        wait: duration.default(5_000),
        lease: duration.default(30_000),
        retention: duration.default(24 * 3_600_000),
      })
      .prefault({}),
    seal: sealSchema.optional(),
    keys: keysSchema.optional(),
    tickets: ticketsSchema.optional(),
    limits: limitsSchema.optional(),
    redaction: redactionConfigSchema.optional(),
    channels: channelsSchema.optional(),
    mcp: mcpConfigSchema.optional(),
    server: serverSchema.prefault({}),
    dashboard: dashboardSchema.prefault({}),
    policy: policySchema.prefault({}),
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
