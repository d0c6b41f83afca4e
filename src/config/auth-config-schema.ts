/**
 * The `auth` section of a configuration file: API keys, JWT, identity tokens,
 * trusted proxy headers or anonymous access.
 *
 * @module
 */
import { z } from 'zod'
import { isWellKnownWeakKeyHash, WEAK_KEY_HASH_MESSAGE } from '../identity/auth/api-key-strength.js'
import { duration, names, nonEmpty } from './config-schema-primitives.js'

/** `aud` of identity tokens when neither the config nor `airlock token issue --audience` names one. */
export const DEFAULT_IDENTITY_AUDIENCE = 'airlock'

const SHA256_HEX = /^[0-9a-f]{64}$/

const apiKeySchema = z.strictObject({
  id: nonEmpty,
  sha256: z
    .string({ error: 'expected the SHA-256 of the key as 64 lower-case hex characters' })
    .regex(
      SHA256_HEX,
      'expected the SHA-256 of the key as 64 lower-case hex characters (`airlock api-key generate` prints one)',
    )
    .refine((sha256) => !isWellKnownWeakKeyHash(sha256), WEAK_KEY_HASH_MESSAGE),
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
    /** Longest token lifetime accepted (`exp` is required). Default 24h. */
    max_lifetime: duration.optional(),
    /** Refuse tokens without the tenant claim. Default: true when `claims.tenant` is set. */
    require_tenant: z.boolean().optional(),
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
      /** Throttling of failed authentication, per client address and per key prefix. */
      failed_attempts: z
        .strictObject({
          enabled: z.boolean().default(true),
          max_failures: z.int().min(1).default(20),
          window: duration.default(60_000),
          cooldown: duration.default(60_000),
        })
        .optional(),
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
