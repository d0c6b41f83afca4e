import { AirlockError } from '../../errors/airlock-error.js'
import { ErrorCode } from '../../errors/error-codes.js'
import type { Principal } from '../principal.js'
import type { AuthBackend } from './auth-backend.js'
import { unauthenticated } from './unauthenticated.js'

/** What a custom authenticator returns: a principal, or null when the request is not its kind. */
export type AuthenticateFn = (request: Request) => Principal | null | Promise<Principal | null>

/**
 * An {@link AuthBackend} from a function (an SSO session, mTLS headers set by
 * your ingress, ...). Return `null` when the request carries no credential of
 * its kind.
 *
 * Whatever the function throws is a failed authentication (401), never a
 * server fault: an `AirlockError` `UNAUTHENTICATED` keeps its message, any
 * other error is reported without its text (it may quote a secret). To say
 * that the backend behind it is unavailable rather than that the caller is
 * wrong, throw `AirlockError` `STORE_ERROR` (503, try again later).
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
      const principal = await callAuthenticator(fn, request, name)
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

async function callAuthenticator(
  fn: AuthenticateFn,
  request: Request,
  name: string,
): Promise<Principal | null> {
  try {
    return await fn(request)
  } catch (error) {
    if (
      AirlockError.isInstance(error) &&
      (error.code === ErrorCode.UNAUTHENTICATED || error.code === ErrorCode.STORE_ERROR)
    ) {
      throw error
    }
    throw unauthenticated(`Auth backend '${name}' refused the credential`)
  }
}
