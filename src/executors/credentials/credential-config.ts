/**
 * Where the credential of each credential type comes from
 * (`executors.credentials.<type>` in the configuration). String settings may
 * use `{{ params.x }}`, so a secret can be scoped to what the run touches
 * (e.g. one Vault path per namespace).
 *
 * @module
 */
import { z } from 'zod'

const nonEmpty = z.string().min(1, 'must not be empty')

export const credentialProviderSchema = z.discriminatedUnion('provider', [
  z.strictObject({
    provider: z.literal('env'),
    /** Credential value name → environment variable holding it. */
    variables: z.record(z.string(), nonEmpty),
  }),
  z.strictObject({
    provider: z.literal('file'),
    path: nonEmpty,
    /** `json`: an object of string values; `text`: the whole file (trimmed) as the value `key`. */
    format: z.enum(['json', 'text']).default('json'),
    key: nonEmpty.default('token'),
  }),
  z.strictObject({
    provider: z.literal('vault'),
    /** e.g. `https://vault.internal:8200` */
    address: z.url({ protocol: /^https?$/ }),
    /** The environment variable holding the Vault token. */
    token_env: nonEmpty.default('VAULT_TOKEN'),
    /** KV v2 mount. */
    mount: nonEmpty.default('secret'),
    /** Secret path under the mount, e.g. `kubernetes/{{ params.namespace }}`. */
    path: nonEmpty,
  }),
])

export type CredentialProviderConfig = z.input<typeof credentialProviderSchema>
export type ParsedCredentialProvider = z.output<typeof credentialProviderSchema>

/** Credential type → where it comes from. */
export const credentialProvidersSchema = z.record(z.string(), credentialProviderSchema)
