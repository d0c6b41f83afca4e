/**
 * The shape of `airlock.config.{yaml,ts,mjs}`: strict, so a mistyped key is an
 * error instead of a silently ignored setting.
 *
 * @module
 */
import { z } from 'zod'
import { redactionConfigSchema } from '../audit/redact.js'
import { DECISION_RESULTS } from '../policy/decision.js'
import { BYTE_SIZE_EXPECTED, parseByteSize } from './parse-byte-size.js'
import { DURATION_EXPECTED, parseDuration } from './parse-duration.js'

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

export const authConfigSchema = z
  .strictObject(
    {
      api_keys: z.array(apiKeySchema, { error: 'expected a list of api keys' }).optional(),
      jwt: jwtSchema.optional(),
      trusted_headers: trustedHeadersSchema.optional(),
      /** Header that may carry an API key instead of `Authorization: Bearer`. Default `x-api-key`. */
      api_key_header: nonEmpty.optional(),
      anonymous: z.boolean().optional(),
    },
    { error: 'expected an auth section: api_keys, jwt or trusted_headers, or anonymous: true' },
  )
  .superRefine((auth, ctx) => {
    const backends =
      (auth.api_keys?.length ?? 0) > 0 || auth.jwt !== undefined || auth.trusted_headers !== undefined
    if (auth.anonymous === true && backends) {
      ctx.addIssue({
        code: 'custom',
        path: ['anonymous'],
        message: 'anonymous: true cannot be combined with api_keys, jwt or trusted_headers',
      })
    } else if (auth.anonymous !== true && !backends) {
      ctx.addIssue({
        code: 'custom',
        message:
          'expected at least one of api_keys, jwt or trusted_headers (or anonymous: true, for local experiments)',
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
        approver_roles: names.default([]),
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
    redaction: redactionConfigSchema.optional(),
    server: serverSchema.prefault({}),
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
  })

/** A configuration as written (what `defineConfig` takes). */
export type ConfigFile = z.input<typeof configFileSchema>

/** A configuration after validation and defaults, with paths still as written. */
export type ParsedConfigFile = z.output<typeof configFileSchema>
