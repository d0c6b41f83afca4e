/**
 * Identity asserted by a trusted proxy in request headers.
 *
 * @module
 */
import { AirlockError } from '../../errors/airlock-error.js'
import { ErrorCode } from '../../errors/error-codes.js'
import { secretEqual } from '../../internal/secret-equal.js'
import { DEFAULT_TENANT, type Principal } from '../principal.js'
import type { AuthBackend } from './auth-backend.js'
import { unauthenticated } from './unauthenticated.js'

/** Configuration of {@link trustedHeaderAuth}. */
export interface TrustedHeaderAuthConfig {
  /**
   * The secret the proxy sends in `header`. Strongly recommended: without it,
   * anyone who can reach the server directly can claim any identity.
   */
  readonly shared_secret?: string
  /** Header carrying the secret. Default `x-airlock-proxy-secret`. */
  readonly header?: string
}

const HEADER_NAME = /^[A-Za-z0-9-]+$/
const MIN_SECRET_LENGTH = 16
const MAX_VALUE_LENGTH = 256

function list(value: string | null): readonly string[] {
  if (value === null) return []
  return Object.freeze(
    value
      .split(',')
      .map((v) => v.trim())
      .filter((v) => v !== ''),
  )
}

/**
 * Reads `X-Actor-Id`, `X-Roles` (comma-separated) and `X-Tenant-Id`, set by a
 * gateway in front of Airlock that has already authenticated the caller.
 *
 * @remarks These headers mean nothing unless this backend is configured. With
 * `shared_secret`, a request that carries identity headers but not the
 * matching secret (compared in constant time) is rejected; an empty
 * `X-Actor-Id` is always rejected rather than taken as a name.
 */
export function trustedHeaderAuth(config: TrustedHeaderAuthConfig = {}): AuthBackend {
  const header = (config.header ?? 'x-airlock-proxy-secret').toLowerCase()
  if (!HEADER_NAME.test(header)) {
    throw new AirlockError(
      ErrorCode.CONFIG_INVALID,
      `trustedHeaderAuth: header must be a header name, got ${JSON.stringify(config.header)}`,
    )
  }
  const secret = config.shared_secret
  if (secret !== undefined && (typeof secret !== 'string' || secret.length < MIN_SECRET_LENGTH)) {
    throw new AirlockError(
      ErrorCode.CONFIG_INVALID,
      `trustedHeaderAuth: shared_secret must be a string of at least ${MIN_SECRET_LENGTH} characters`,
    )
  }

  return {
    name: 'headers',
    authenticate: async (request) => {
      const actor = request.headers.get('x-actor-id')
      if (secret !== undefined) {
        const presented = request.headers.get(header)
        if (presented === null) {
          if (actor === null) return null
          throw unauthenticated(
            `Identity headers without the proxy secret header '${header}' are not trusted`,
          )
        }
        if (!secretEqual(presented, secret)) throw unauthenticated('The proxy secret does not match')
        if (actor === null) throw unauthenticated('The proxy sent no X-Actor-Id header')
      } else if (actor === null) {
        return null
      }
      const actor_id = actor.trim()
      if (actor_id === '') throw unauthenticated('X-Actor-Id is empty')
      const tenant = request.headers.get('x-tenant-id')?.trim() ?? ''
      if (actor_id.length > MAX_VALUE_LENGTH || tenant.length > MAX_VALUE_LENGTH) {
        throw unauthenticated(`X-Actor-Id and X-Tenant-Id may be at most ${MAX_VALUE_LENGTH} characters`)
      }
      const principal: Principal = {
        actor_id,
        roles: list(request.headers.get('x-roles')),
        groups: [],
        scopes: [],
        tenant_id: tenant === '' ? DEFAULT_TENANT : tenant,
        delegation_chain: [],
        auth: 'headers',
      }
      return principal
    },
  }
}
