import { decodeProtectedHeader, type JWTPayload, jwtVerify } from 'jose'
import { type JsonWebKeySet, KeySet } from './key-set.js'
import type { TokenRejection } from './token-rejection.js'

/** Anything tokens can be verified against: a key set, or a published JWK Set. */
export type VerificationSource = KeySet | JsonWebKeySet

/** Options of {@link verifyToken}. */
export interface VerifyTokenOptions {
  /** The `typ` header the token must carry. */
  readonly typ: string
  /** Expected `iss`. Default: the key set's issuer. */
  readonly issuer?: string | undefined
  /** Expected `aud`; when undefined the audience is not checked. */
  readonly audience?: string | undefined
  /** Allowed clock skew in seconds for `exp`, `nbf` and `iat`. */
  readonly clock_tolerance_s: number
  /** Verification time, for tests. */
  readonly now?: Date | undefined
}

export type VerifiedToken =
  | { readonly ok: true; readonly payload: JWTPayload; readonly kid: string }
  | ({ readonly ok: false } & TokenRejection)

/** Compact JWS: three base64url segments. Bounded so a huge header is never parsed. */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/
const MAX_TOKEN_LENGTH = 16_384

const fromJwks = new WeakMap<object, Promise<KeySet>>()

/** The key set for a source; a JWK Set is imported once and cached. */
export function toKeySet(source: VerificationSource, issuer?: string): Promise<KeySet> {
  if (source instanceof KeySet) return Promise.resolve(source)
  let cached = fromJwks.get(source)
  if (!cached) {
    cached = KeySet.build({ keys: source.keys, ...(issuer === undefined ? {} : { issuer }) })
    fromJwks.set(source, cached)
  }
  return cached
}

function reject(reason: TokenRejection['reason'], message: string): VerifiedToken {
  return { ok: false, reason, message }
}

/**
 * Verifies a compact JWS against pinned keys and checks its registered claims.
 * Never throws for a bad token: the refusal is returned with its reason.
 *
 * @remarks The key is chosen by `kid` and the algorithm is the key's own; a
 * header asking for another algorithm, or for `none`, is refused before any
 * cryptography runs (RFC 8725 §3.1, §3.2).
 */
export async function verifyToken(
  source: VerificationSource,
  token: unknown,
  options: VerifyTokenOptions,
): Promise<VerifiedToken> {
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH || !COMPACT_JWS.test(token)) {
    return reject('malformed', 'token is not a compact JWS (three base64url segments)')
  }
  let header: ReturnType<typeof decodeProtectedHeader>
  try {
    header = decodeProtectedHeader(token)
  } catch {
    return reject('malformed', 'token header is not valid base64url JSON')
  }
  if (typeof header.alg !== 'string') return reject('malformed', "token header has no 'alg'")
  if (header.alg.toLowerCase() === 'none') {
    return reject('alg_none', "token uses alg 'none'; unsigned tokens are never accepted")
  }
  const keySet = await toKeySet(source, options.issuer)
  if (typeof header.kid !== 'string') return reject('unknown_key', "token header names no key ('kid')")
  const key = keySet.verificationKey(header.kid)
  if (!key) return reject('unknown_key', `token is signed with an unknown key '${header.kid}'`)
  if (header.alg !== key.alg) {
    return reject(
      'wrong_algorithm',
      `token algorithm '${header.alg}' is not the algorithm pinned to key '${key.kid}' (${key.alg})`,
    )
  }
  try {
    const { payload } = await jwtVerify(token, key.key, {
      algorithms: [key.alg],
      typ: options.typ,
      issuer: options.issuer ?? keySet.issuer,
      ...(options.audience === undefined ? {} : { audience: options.audience }),
      clockTolerance: options.clock_tolerance_s,
      requiredClaims: ['iss', 'iat', 'exp', 'jti'],
      ...(options.now ? { currentDate: options.now } : {}),
    })
    return { ok: true, payload, kid: key.kid }
  } catch (error) {
    return classify(error, options.typ, header.typ)
  }
}

function classify(error: unknown, typ: string, actualTyp: unknown): VerifiedToken {
  const e = error as { code?: string; claim?: string; reason?: string; message?: string }
  switch (e.code) {
    case 'ERR_JWT_EXPIRED':
      return reject('expired', 'token has expired')
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return reject('bad_signature', 'token signature does not verify')
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
      return reject('wrong_algorithm', 'token algorithm is not allowed')
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      if (e.reason === 'missing') return reject('invalid_claims', `token is missing the '${e.claim}' claim`)
      switch (e.claim) {
        case 'nbf':
        case 'iat':
          return reject('not_yet_valid', 'token is not yet valid')
        case 'aud':
          return reject('wrong_audience', 'token audience does not match')
        case 'iss':
          return reject('wrong_issuer', 'token issuer does not match')
        case 'typ':
          return reject(
            'wrong_type',
            `token type '${typeof actualTyp === 'string' ? actualTyp : '(none)'}' is not '${typ}'`,
          )
        default:
          return reject('invalid_claims', `token claim '${e.claim}' is invalid`)
      }
    case 'ERR_JWS_INVALID':
    case 'ERR_JWT_INVALID':
    case 'ERR_JOSE_NOT_SUPPORTED':
      return reject('malformed', `token is malformed: ${e.message ?? 'unreadable'}`)
    default:
      throw error
  }
}
