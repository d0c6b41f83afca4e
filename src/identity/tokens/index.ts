/**
 * Signed agent identities: key sets pinned to one algorithm per key, identity
 * tokens (`typ: airlock-id+jwt`) and caller resolution that never downgrades
 * a bad token to a bare name.
 *
 * @module
 */
export { type GenerateSigningKeyOptions, generateSigningKey } from './generate-signing-key.js'
export {
  type ActorClaim,
  chainOf,
  DEFAULT_CLOCK_TOLERANCE_S,
  DEFAULT_IDENTITY_TTL_S,
  DEFAULT_MAX_DELEGATION_DEPTH,
  IDENTITY_TOKEN_TYPE,
  type IdentityClaims,
  type IssueIdentityOptions,
  issueIdentityToken,
  MAX_DELEGATION_DEPTH_LIMIT,
  type VerifiedIdentity,
  type VerifyIdentityOptions,
  verifyIdentity,
  verifyIdentityToken,
} from './identity-token.js'
export {
  createKeySet,
  DEFAULT_ISSUER,
  type JsonWebKeySet,
  KeySet,
  type KeySetConfig,
  MIN_HMAC_SECRET_BYTES,
  SIGNING_ALGORITHMS,
  type SigningAlgorithm,
  type SigningJwk,
} from './key-set.js'
export { publicJwks } from './public-jwks.js'
export { looksLikeToken, type ResolveCallerOptions, resolveCaller } from './resolve-caller.js'
export { newTokenId, type SignedTimes, signToken } from './sign-token.js'
export type { TokenRejection, TokenRejectionReason } from './token-rejection.js'
export {
  type VerificationSource,
  type VerifiedToken,
  type VerifyTokenOptions,
  verifyToken,
} from './verify-token.js'
