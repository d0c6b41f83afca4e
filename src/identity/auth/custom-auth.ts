import { AirlockError } from '../../errors/airlock-error.js'
import { ErrorCode } from '../../errors/error-codes.js'
import type { Principal } from '../principal.js'
import type { AuthBackend } from './auth-backend.js'

/** What a custom authenticator returns: a principal, or null when the request is not its kind. */
export type AuthenticateFn = (request: Request) => Principal | null | Promise<Principal | null>

/**
 * An {@link AuthBackend} from a function (an SSO session, mTLS headers set by
 * your ingress, ...). Throw `AirlockError` `UNAUTHENTICATED` for a credential
 * that is present but wrong.
 *
 * @remarks A principal without a non-empty `actor_id` and `tenant_id` is
 * treated as a bug in the function and fails the request (500) rather than
 * letting an unnamed caller through.
 */
export function customAuth(fn: AuthenticateFn, options: { readonly name?: string } = {}): AuthBackend {
  if (typeof fn !== 'function')
    throw new AirlockError(ErrorCode.CONFIG_INVALID, 'customAuth: expected a function')
  const name = options.name ?? 'custom'
  return {
    name,
    authenticate: async (request) => {
      const principal = await fn(request)
      if (principal === null) return null
      if (
        typeof principal !== 'object' ||
        typeof principal.actor_id !== 'string' ||
        principal.actor_id === '' ||
        typeof principal.tenant_id !== 'string' ||
        principal.tenant_id === ''
      ) {
        throw new AirlockError(
          ErrorCode.INTERNAL,
          `Auth backend '${name}' returned a principal without actor_id or tenant_id`,
        )
      }
      return principal
    },
  }
}
