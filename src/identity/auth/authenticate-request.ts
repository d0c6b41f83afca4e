import { AirlockError } from '../../errors/airlock-error.js'
import { ErrorCode } from '../../errors/error-codes.js'
import type { Principal } from '../principal.js'
import type { AuthBackend } from './auth-backend.js'
import { unauthenticated } from './unauthenticated.js'

/**
 * Runs the backends in order and returns the first principal.
 *
 * @remarks A backend that rejects a credential does not end the search (an
 * API-key backend cannot tell a JWT meant for the next backend from a wrong
 * key), but the rejection is kept: if no later backend verifies a credential,
 * it is what the caller gets. An anonymous principal never stands in for a
 * rejected credential, so a wrong key cannot silently degrade to anonymous
 * access.
 *
 * @throws AirlockError `UNAUTHENTICATED` when no backend accepts the request.
 */
export async function authenticateRequest(
  backends: readonly AuthBackend[],
  request: Request,
): Promise<Principal> {
  let rejection: AirlockError | undefined
  for (const backend of backends) {
    let principal: Principal | null
    try {
      principal = await backend.authenticate(request)
    } catch (error) {
      if (AirlockError.isInstance(error) && error.code === ErrorCode.UNAUTHENTICATED) {
        rejection ??= error
        continue
      }
      throw error
    }
    if (principal === null) continue
    if (rejection !== undefined && principal.auth === 'anonymous') break
    return principal
  }
  throw rejection ?? unauthenticated('Authentication required: send an API key or a bearer token', 'missing')
}
