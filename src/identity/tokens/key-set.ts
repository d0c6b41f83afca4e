import { base64url, type CryptoKey, importJWK, type JWK } from 'jose'
import { AirlockError } from '../../errors/airlock-error.js'
import { ErrorCode } from '../../errors/error-codes.js'

/** The signature algorithms Airlock signs and verifies with. */
export type SigningAlgorithm = 'EdDSA' | 'HS256'

export const SIGNING_ALGORITHMS: readonly SigningAlgorithm[] = ['EdDSA', 'HS256']

/** The issuer (`iss`) Airlock writes and expects unless configured otherwise. */
export const DEFAULT_ISSUER = 'airlock'

/** HS256 secrets shorter than this are refused (RFC 7518 §3.2: at least the hash size). */
export const MIN_HMAC_SECRET_BYTES = 32

/**
 * One key as configured: a JWK with its key id and the one algorithm it is
 * used with. An Ed25519 key with its private part `d` can sign; without it,
 * it only verifies. An HS256 key (`kty: 'oct'`) both signs and verifies.
 */
export type SigningJwk = JWK & { readonly kid: string; readonly alg: SigningAlgorithm }

/** A JSON Web Key Set, as served at `.well-known/jwks.json`. */
export interface JsonWebKeySet {
  readonly keys: readonly JWK[]
}

/** Configuration of {@link createKeySet}. */
export interface KeySetConfig {
  /** Every key that may verify a token; several during a rotation. */
  readonly keys: readonly SigningJwk[] | readonly JWK[]
  /** The key that signs new tokens. Default: the first key that can sign. */
  readonly signing_kid?: string
  /** `iss` of issued tokens, and the issuer verification expects. Default `airlock`. */
  readonly issuer?: string
}

/** A key as held in memory: its pinned algorithm, its verifying key and, when present, its signing key. */
interface HeldKey {
  readonly kid: string
  readonly alg: SigningAlgorithm
  readonly verify: CryptoKey | Uint8Array
  readonly sign: CryptoKey | Uint8Array | null
  /** The public JWK to publish, or null for a symmetric key. */
  readonly public_jwk: JWK | null
}

/** What verification needs: the key for a kid, with its pinned algorithm. */
export interface VerificationKey {
  readonly kid: string
  readonly alg: SigningAlgorithm
  readonly key: CryptoKey | Uint8Array
}

const HELD = new WeakMap<KeySet, { keys: ReadonlyMap<string, HeldKey>; signing: HeldKey | null }>()

/**
 * The keys that sign and verify identity tokens and execution tickets.
 *
 * @remarks Each key is pinned to one algorithm (RFC 8725 §3.1): verification
 * uses the algorithm of the key the token's `kid` names, never the one the
 * token's header asks for. Key material is held outside the object's own
 * properties, so logging or serialising a key set reveals only kids.
 */
export class KeySet {
  /** `iss` of issued tokens and the issuer expected on verification. */
  readonly issuer: string
  /** Key id that signs new tokens, or null for a verify-only set (e.g. built from a public JWKS). */
  readonly signing_kid: string | null
  /** Every key id, in configuration order. */
  readonly kids: readonly string[]

  private constructor(issuer: string, signing: HeldKey | null, keys: ReadonlyMap<string, HeldKey>) {
    this.issuer = issuer
    this.signing_kid = signing?.kid ?? null
    this.kids = [...keys.keys()]
    HELD.set(this, { keys, signing })
  }

  /** @internal Builds a key set; use {@link createKeySet}. */
  static async build(config: KeySetConfig): Promise<KeySet> {
    const issuer = config.issuer ?? DEFAULT_ISSUER
    if (typeof issuer !== 'string' || issuer === '') throw invalid('issuer must be a non-empty string')
    if (!Array.isArray(config.keys) || config.keys.length === 0) throw invalid('at least one key is required')
    const keys = new Map<string, HeldKey>()
    for (const [index, jwk] of (config.keys as readonly JWK[]).entries()) {
      const held = await importKey(jwk, index)
      if (keys.has(held.kid)) throw invalid(`keys[${index}]: duplicate kid '${held.kid}'`)
      keys.set(held.kid, held)
    }
    let signing: HeldKey | null
    if (config.signing_kid !== undefined) {
      signing = keys.get(config.signing_kid) ?? null
      if (!signing) throw invalid(`signing_kid '${config.signing_kid}' names no configured key`)
      if (!signing.sign)
        throw invalid(`signing_kid '${config.signing_kid}' names a key without its private part`)
    } else {
      signing = [...keys.values()].find((k) => k.sign !== null) ?? null
    }
    return new KeySet(issuer, signing, keys)
  }

  /** @internal The key to verify a token whose header names `kid`. */
  verificationKey(kid: string): VerificationKey | undefined {
    const held = HELD.get(this)?.keys.get(kid)
    return held ? { kid: held.kid, alg: held.alg, key: held.verify } : undefined
  }

  /** @internal The current signing key; throws on a verify-only set. */
  signingKey(): { kid: string; alg: SigningAlgorithm; key: CryptoKey | Uint8Array } {
    const signing = HELD.get(this)?.signing
    if (!signing?.sign) {
      throw new AirlockError(
        ErrorCode.CONFIG_INVALID,
        'This key set cannot sign: no key with a private part is configured',
      )
    }
    return { kid: signing.kid, alg: signing.alg, key: signing.sign }
  }

  /** @internal Public JWKs of the asymmetric keys. */
  publicKeys(): readonly JWK[] {
    const held = HELD.get(this)
    return held ? [...held.keys.values()].flatMap((k) => (k.public_jwk ? [k.public_jwk] : [])) : []
  }

  /** Shows kids only, never key material. */
  toJSON(): { issuer: string; signing_kid: string | null; kids: readonly string[] } {
    return { issuer: this.issuer, signing_kid: this.signing_kid, kids: this.kids }
  }
}

/**
 * Builds a {@link KeySet} from configured JWKs (private keys to sign, public
 * ones to verify only).
 *
 * @remarks Rejects keys without a `kid`, without a pinned `alg`, with an
 * algorithm other than EdDSA (Ed25519) or HS256, and HS256 secrets shorter
 * than 32 bytes.
 */
export function createKeySet(config: KeySetConfig): Promise<KeySet> {
  return KeySet.build(config)
}

function invalid(message: string): AirlockError {
  return new AirlockError(ErrorCode.CONFIG_INVALID, `Invalid key set: ${message}`)
}

async function importKey(jwk: JWK, index: number): Promise<HeldKey> {
  const at = `keys[${index}]`
  if (typeof jwk !== 'object' || jwk === null) throw invalid(`${at} must be a JWK object`)
  const { kid } = jwk
  const alg = jwk.alg as SigningAlgorithm | undefined
  if (typeof kid !== 'string' || kid === '') throw invalid(`${at}: every key needs a non-empty 'kid'`)
  if (alg === undefined)
    throw invalid(`${at} ('${kid}'): 'alg' is required, so the key is pinned to one algorithm`)
  if (!(SIGNING_ALGORITHMS as readonly string[]).includes(alg)) {
    throw invalid(`${at} ('${kid}'): alg '${alg}' is not supported (use ${SIGNING_ALGORITHMS.join(' or ')})`)
  }
  if (jwk.use !== undefined && jwk.use !== 'sig') throw invalid(`${at} ('${kid}'): 'use' must be 'sig'`)
  if (alg === 'HS256') {
    if (jwk.kty !== 'oct' || typeof jwk.k !== 'string')
      throw invalid(`${at} ('${kid}'): an HS256 key is {kty: 'oct', k}`)
    let secret: Uint8Array
    try {
      secret = base64url.decode(jwk.k)
    } catch {
      throw invalid(`${at} ('${kid}'): 'k' is not base64url`)
    }
    if (secret.length < MIN_HMAC_SECRET_BYTES) {
      throw invalid(
        `${at} ('${kid}'): an HS256 secret needs at least ${MIN_HMAC_SECRET_BYTES} bytes, got ${secret.length}`,
      )
    }
    // Imported once: a raw secret would be re-imported by WebCrypto on every signature.
    const key = await globalThis.crypto.subtle.importKey(
      'raw',
      secret as Uint8Array<ArrayBuffer>,
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign', 'verify'],
    )
    return { kid, alg, verify: key, sign: key, public_jwk: null }
  }
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') {
    throw invalid(`${at} ('${kid}'): an EdDSA key is {kty: 'OKP', crv: 'Ed25519', x[, d]}`)
  }
  const public_jwk: JWK = { kty: 'OKP', crv: 'Ed25519', x: jwk.x, kid, alg, use: 'sig' }
  try {
    const verify = await importJWK(public_jwk, alg)
    const sign = typeof jwk.d === 'string' ? await importJWK({ ...public_jwk, d: jwk.d }, alg) : null
    return { kid, alg, verify: verify as CryptoKey, sign: sign as CryptoKey | null, public_jwk }
  } catch (error) {
    throw new AirlockError(ErrorCode.CONFIG_INVALID, `Invalid key set: ${at} ('${kid}') cannot be imported`, {
      cause: error,
    })
  }
}
