import { AirlockError } from '../../errors/airlock-error.js'
import { ErrorCode } from '../../errors/error-codes.js'
import { DEFAULT_TENANT, type Principal } from '../principal.js'
import type { AuthBackend } from './auth-backend.js'

/** Options of {@link anonymousAuth}. */
export interface AnonymousAuthOptions {
  /** Default `anonymous`. */
  readonly actor_id?: string
  readonly roles?: readonly string[]
  readonly tenant_id?: string
}

/**
 * Accepts every request as one fixed, unauthenticated caller. Pass it
 * explicitly to run without authentication (local development only).
 *
 * @remarks The principal has `auth: 'anonymous'`: policies see no caller, it
 * may not decide approvals over HTTP, and it never stands in for a credential
 * another backend rejected.
 */
export function anonymousAuth(options: AnonymousAuthOptions = {}): AuthBackend {
  const actor_id = options.actor_id ?? 'anonymous'
  if (typeof actor_id !== 'string' || actor_id === '') {
    throw new AirlockError(ErrorCode.CONFIG_INVALID, 'anonymousAuth: actor_id must be a non-empty string')
  }
  const principal: Principal = Object.freeze({
    actor_id,
    roles: Object.freeze([...(options.roles ?? [])]),
    groups: Object.freeze([]),
    scopes: Object.freeze([]),
    tenant_id: options.tenant_id ?? DEFAULT_TENANT,
    delegation_chain: Object.freeze([]),
    auth: 'anonymous',
  })
  return { name: 'anonymous', authenticate: async () => principal }
}
