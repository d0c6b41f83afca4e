import { AirlockError } from '../../errors/airlock-error.js'
import { ErrorCode } from '../../errors/error-codes.js'

/** Why authentication failed: no credential at all, or one that did not verify. */
export type CredentialProblem = 'missing' | 'invalid'

/** An `UNAUTHENTICATED` error; `details.credential` lets transports answer `invalid_token` or a bare challenge. */
export function unauthenticated(message: string, credential: CredentialProblem = 'invalid'): AirlockError {
  return new AirlockError(ErrorCode.UNAUTHENTICATED, message, { details: { credential } })
}
