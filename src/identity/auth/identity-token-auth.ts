/**
 * Bearer identity tokens minted with the gateway's own signing keys
 * (`airlock token issue`, `issueIdentityToken`, `delegate`).
 *
 * @module
 */
import { decodeProtectedHeader } from 'jose'
import { AirlockError } from '../../errors/airlock-error.js'
import { ErrorCode } from '../../errors/error-codes.js'
import type { Principal } from '../principal.js'
import { IDENTITY_TOKEN_TYPE, verifyIdentityToken } from '../tokens/identity-token.js'
import type { VerificationSource } from '../tokens/verify-token.js'
import type { AuthBackend } from './auth-backend.js'
import { bearerToken } from './bearer-token.js'

/** Configuration of {@link identityTokenAuth}. */
export interface IdentityTokenAuthConfig {
  /** The gateway's key set, or a published JWK Set (public keys verify; nothing here signs). */
  readonly keys: VerificationSource
  /** `aud` every token must carry. */
  readonly audience: string
  /** Expected `iss`. Default: the key set's issuer (`airlock`). */
  readonly issuer?: string
  /** Allowed clock skew in seconds. Default 5. */
  readonly clock_tolerance_s?: number
}

const JWS_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/

/** Whether the token's header says it is an identity token; false for anything unreadable. */
function isIdentityToken(token: string): boolean {
  try {
    const typ = decodeProtectedHeader(token).typ
    // RFC 7515 §4.1.9: typ is compared case-insensitively; the verifier then insists on the exact value.
    return typeof typ === 'string' && typ.toLowerCase() === IDENTITY_TOKEN_TYPE
  } catch {
    return false
  }
}

/**
 * Verifies `Authorization: Bearer <identity token>` and returns the principal
 * it names, delegation chain included.
 *
 * @remarks The backend claims only bearer tokens whose header declares
 * `typ: airlock-id+jwt`; any other bearer (an API key, a JWT from an outside
 * identity provider) resolves null, so the backend meant for it answers and
 * its reason is the one the caller sees. A claimed token that fails (bad or
 * foreign signature, `alg: none`, expired, wrong audience or issuer, a chain
 * that widens) is `UNAUTHENTICATED` with `details.reason` naming why.
 */
export function identityTokenAuth(config: IdentityTokenAuthConfig): AuthBackend {
  if (typeof config.audience !== 'string' || config.audience === '') {
    throw new AirlockError(ErrorCode.CONFIG_INVALID, 'identityTokenAuth: audience must be a non-empty string')
  }
  const options = {
    audience: config.audience,
    ...(config.issuer === undefined ? {} : { issuer: config.issuer }),
    ...(config.clock_tolerance_s === undefined ? {} : { clock_tolerance_s: config.clock_tolerance_s }),
  }
  return {
    name: 'identity_token',
    authenticate: async (request): Promise<Principal | null> => {
      const token = bearerToken(request)
      if (token === null || !JWS_SHAPE.test(token) || !isIdentityToken(token)) return null
      try {
        return await verifyIdentityToken(config.keys, token, options)
      } catch (error) {
        if (AirlockError.isInstance(error) && error.code === ErrorCode.UNAUTHENTICATED) {
          // `credential: invalid` makes the challenge say invalid_token rather than ask for a credential.
          throw new AirlockError(ErrorCode.UNAUTHENTICATED, error.message, {
            details: { credential: 'invalid', reason: error.details?.reason },
          })
        }
        throw error
      }
    },
  }
}
