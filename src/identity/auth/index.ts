/**
 * Authentication backends: each turns a request's credential into a
 * `Principal`, or declines.
 *
 * @module
 */

export { type AnonymousAuthOptions, anonymousAuth } from './anonymous-auth.js'
export { type ApiKeyAuthConfig, type ApiKeyEntry, apiKeyAuth } from './api-key-auth.js'
export {
  apiKeyWeakness,
  apparentEntropyBits,
  isWellKnownWeakKeyHash,
  MIN_API_KEY_BITS,
} from './api-key-strength.js'
export type { AuthBackend } from './auth-backend.js'
export { authenticateRequest } from './authenticate-request.js'
export { type AuthenticateFn, customAuth } from './custom-auth.js'
export { API_KEY_PREFIX, generateApiKey, hashApiKey } from './generate-api-key.js'
export { type IdentityTokenAuthConfig, identityTokenAuth } from './identity-token-auth.js'
export { type JwtAuthConfig, type JwtClaimsMapping, type JwtKeys, jwtAuth } from './jwt-auth.js'
export { type TrustedHeaderAuthConfig, trustedHeaderAuth } from './trusted-header-auth.js'
export type { CredentialProblem } from './unauthenticated.js'
