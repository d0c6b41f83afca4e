import { randomBytes } from 'node:crypto'
import { base64url, exportJWK, generateKeyPair } from 'jose'
import type { SigningAlgorithm, SigningJwk } from './key-set.js'

/** Options of {@link generateSigningKey}. */
export interface GenerateSigningKeyOptions {
  /** Default `EdDSA` (Ed25519): verifiers then need only the public key. */
  readonly alg?: SigningAlgorithm
  /** Default: `<alg>-` followed by 16 random hex characters. */
  readonly kid?: string
}

/**
 * Makes a new private signing key as a JWK, ready to put in configuration.
 *
 * @remarks The result holds secret material (`d` or `k`): store it like a password.
 */
export async function generateSigningKey(options: GenerateSigningKeyOptions = {}): Promise<SigningJwk> {
  const alg = options.alg ?? 'EdDSA'
  const kid = options.kid ?? `${alg.toLowerCase()}-${randomBytes(8).toString('hex')}`
  if (alg === 'HS256') {
    return { kty: 'oct', k: base64url.encode(randomBytes(32)), kid, alg, use: 'sig' }
  }
  const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true })
  const jwk = await exportJWK(privateKey)
  return { kty: 'OKP', crv: 'Ed25519', x: jwk.x!, d: jwk.d!, kid, alg, use: 'sig' }
}
