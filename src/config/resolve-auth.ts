/**
 * The `auth` section: API keys, JWT, identity tokens, trusted headers and
 * failed-attempt throttling, with their defaults filled in.
 *
 * @module
 */
import { stripUndefined } from '../internal/strip-undefined.js'
import type { ParsedConfigFile } from './config-schema.js'
import type { ResolvedAuthConfig } from './resolved-config.js'

export function resolveAuth(auth: ParsedConfigFile['auth']): ResolvedAuthConfig {
  const jwt = auth.jwt
  return {
    api_keys: (auth.api_keys ?? []).map((k) => ({
      id: k.id,
      sha256: k.sha256,
      actor_id: k.actor_id,
      roles: k.roles,
      groups: k.groups,
      scopes: k.scopes,
      ...(k.tenant_id === undefined ? {} : { tenant_id: k.tenant_id }),
    })),
    jwt:
      jwt === undefined
        ? null
        : {
            issuer: jwt.issuer,
            audience: jwt.audience,
            ...(jwt.secret === undefined ? {} : { secret: jwt.secret }),
            ...(jwt.public_key === undefined ? {} : { public_key: jwt.public_key }),
            ...(jwt.jwks_url === undefined ? {} : { jwks_url: jwt.jwks_url }),
            ...(jwt.algorithms === undefined ? {} : { algorithms: jwt.algorithms }),
            ...(jwt.clock_tolerance === undefined ? {} : { clock_tolerance_ms: jwt.clock_tolerance }),
            ...(jwt.max_lifetime === undefined ? {} : { max_lifetime_ms: jwt.max_lifetime }),
            ...(jwt.require_tenant === undefined ? {} : { require_tenant: jwt.require_tenant }),
            ...(jwt.claims === undefined ? {} : { claims: stripUndefined(jwt.claims) }),
          },
    identity_tokens:
      auth.identity_tokens === undefined
        ? null
        : {
            audience: auth.identity_tokens.audience,
            clock_tolerance_ms: auth.identity_tokens.clock_tolerance ?? null,
          },
    api_key_header: auth.api_key_header ?? null,
    trusted_headers: auth.trusted_headers === undefined ? null : stripUndefined(auth.trusted_headers),
    anonymous: auth.anonymous === true,
    failed_attempts: {
      enabled: auth.failed_attempts?.enabled ?? true,
      max_failures: auth.failed_attempts?.max_failures ?? 20,
      window_ms: auth.failed_attempts?.window ?? 60_000,
      cooldown_ms: auth.failed_attempts?.cooldown ?? 60_000,
    },
  }
}
