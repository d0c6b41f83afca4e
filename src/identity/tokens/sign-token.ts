import { randomBytes } from 'node:crypto'
import { SignJWT } from 'jose'
import type { KeySet } from './key-set.js'

/** Registered claims {@link signToken} sets itself. */
export interface SignedTimes {
  readonly iat: number
  readonly nbf: number
  readonly exp: number
}

/** A fresh random token id: 128 bits, base64url. */
export function newTokenId(): string {
  return randomBytes(16).toString('base64url')
}

/**
 * Signs `claims` with the key set's current key, with an explicit `typ`
 * header and the key's `kid`, setting `iss`, `iat`, `nbf` (= `iat`) and `exp`.
 *
 * @remarks `jti` is taken from `claims` when present, else made up.
 */
export async function signToken(
  keySet: KeySet,
  typ: string,
  claims: Record<string, unknown>,
  times: SignedTimes,
): Promise<string> {
  const key = keySet.signingKey()
  return new SignJWT({ ...claims, jti: typeof claims.jti === 'string' ? claims.jti : newTokenId() })
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ })
    .setIssuer(keySet.issuer)
    .setIssuedAt(times.iat)
    .setNotBefore(times.nbf)
    .setExpirationTime(times.exp)
    .sign(key.key)
}
