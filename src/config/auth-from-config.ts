import { AirlockError } from '../errors/airlock-error.js'
import { ConfigError } from '../errors/config-error.js'
import { anonymousAuth } from '../identity/auth/anonymous-auth.js'
import { apiKeyAuth } from '../identity/auth/api-key-auth.js'
import type { AuthBackend } from '../identity/auth/auth-backend.js'
import { identityTokenAuth } from '../identity/auth/identity-token-auth.js'
import { jwtAuth } from '../identity/auth/jwt-auth.js'
import { trustedHeaderAuth } from '../identity/auth/trusted-header-auth.js'
import type { KeySet } from '../identity/tokens/key-set.js'
import type { ResolvedConfig } from './resolved-config.js'

/** Builds one backend, turning its CONFIG_INVALID into an error that names the config file and key. */
function build(config: ResolvedConfig, field: string, make: () => AuthBackend): AuthBackend {
  try {
    return make()
  } catch (error) {
    if (AirlockError.isInstance(error) && error.code === 'CONFIG_INVALID') {
      throw new ConfigError([{ file: config.file, field, message: error.message }], { cause: error })
    }
    throw error
  }
}

/** Options of {@link authFromConfig}. */
export interface AuthFromConfigOptions {
  /** The key set built from the config's `keys`; needed for `auth.identity_tokens`. */
  readonly keys?: KeySet | undefined
}

/**
 * The auth backends a configuration asks for, in the order they are tried:
 * API keys, then identity tokens, then JWT, then trusted headers; or the
 * anonymous backend alone.
 *
 * @remarks Identity tokens come before outside JWTs: each claims only bearer
 * tokens of its own kind, so whichever one a token was meant for gives the
 * reason it was refused.
 *
 * @throws ConfigError naming `auth.<backend>` when a backend rejects its
 * settings, or `auth.identity_tokens` when no key set is given.
 */
export function authFromConfig(config: ResolvedConfig, options: AuthFromConfigOptions = {}): AuthBackend[] {
  const auth = config.auth
  if (auth.anonymous) return [anonymousAuth()]
  const backends: AuthBackend[] = []
  if (auth.api_keys.length > 0) {
    backends.push(
      build(config, 'auth.api_keys', () =>
        apiKeyAuth({
          keys: auth.api_keys,
          ...(auth.api_key_header === null ? {} : { header: auth.api_key_header }),
        }),
      ),
    )
  }
  const tokens = auth.identity_tokens
  if (tokens !== null) {
    const keys = options.keys
    if (keys === undefined) {
      throw new ConfigError([
        {
          file: config.file,
          field: 'auth.identity_tokens',
          message: 'identity tokens need the signing keys of the top-level keys section',
        },
      ])
    }
    backends.push(
      build(config, 'auth.identity_tokens', () =>
        identityTokenAuth({
          keys,
          audience: tokens.audience,
          issuer: keys.issuer,
          ...(tokens.clock_tolerance_ms === null
            ? {}
            : { clock_tolerance_s: tokens.clock_tolerance_ms / 1000 }),
        }),
      ),
    )
  }
  const jwt = auth.jwt
  if (jwt !== null) {
    const keys = jwt.secret ?? jwt.public_key
    backends.push(
      build(config, 'auth.jwt', () =>
        jwtAuth({
          issuer: jwt.issuer,
          audience: jwt.audience,
          ...(keys === undefined ? {} : { keys }),
          ...(jwt.jwks_url === undefined ? {} : { jwks_url: jwt.jwks_url }),
          ...(jwt.algorithms === undefined ? {} : { algorithms: jwt.algorithms }),
          ...(jwt.clock_tolerance_ms === undefined ? {} : { clock_tolerance: jwt.clock_tolerance_ms / 1000 }),
          ...(jwt.max_lifetime_ms === undefined ? {} : { max_lifetime_s: jwt.max_lifetime_ms / 1000 }),
          ...(jwt.require_tenant === undefined ? {} : { require_tenant: jwt.require_tenant }),
          ...(jwt.claims === undefined ? {} : { claims: jwt.claims }),
        }),
      ),
    )
  }
  const headers = auth.trusted_headers
  if (headers !== null) backends.push(build(config, 'auth.trusted_headers', () => trustedHeaderAuth(headers)))
  return backends
}
