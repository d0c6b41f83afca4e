/**
 * The key-material sections of a configuration file: `seal` (encryption of
 * held inputs), `keys` (signing keys) and `tickets` (execution tickets).
 *
 * @module
 */
import { z } from 'zod'
import { DEFAULT_ISSUER, SIGNING_ALGORITHMS } from '../identity/tokens/key-set.js'
import { DEFAULT_TICKET_TTL_S, MAX_TICKET_TTL_S } from '../tickets/issue-ticket.js'
import { duration, nonEmpty } from './config-schema-primitives.js'

export const sealSchema = z.union(
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

export const keysSchema = z
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

export const ticketsSchema = z.strictObject({
  ttl: duration
    .refine((ms) => ms >= 1000 && ms <= MAX_TICKET_TTL_S * 1000 && ms % 1000 === 0, {
      message: `expected whole seconds from 1s to ${MAX_TICKET_TTL_S / 60}m, e.g. 5m`,
    })
    .default(DEFAULT_TICKET_TTL_S * 1000),
  /** `aud` of issued tickets: the executor that redeems them. */
  audience: nonEmpty.optional(),
})
