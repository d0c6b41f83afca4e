/**
 * Bearer JWTs verified with jose: pinned algorithms, issuer, audience, and
 * claims mapped to a principal.
 *
 * @module
 */
import { createPublicKey, createSecretKey, type KeyObject } from 'node:crypto'
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors,
  type JSONWebKeySet,
  type JWK,
  type JWTPayload,
  type JWTVerifyGetKey,
  jwtVerify,
} from 'jose'
import { AirlockError } from '../../errors/airlock-error.js'
import { ErrorCode } from '../../errors/error-codes.js'
import { DEFAULT_TENANT, type Principal } from '../principal.js'
import type { AuthBackend } from './auth-backend.js'
import { bearerToken } from './bearer-token.js'
import { unauthenticated } from './unauthenticated.js'

/** Where each principal field comes from in the token's claims. Names may be dotted paths (`realm_access.roles`). */
export interface JwtClaimsMapping {
  /** Default `sub`. */
  readonly actor?: string
  /** A list, or a space- or comma-separated string. Default `roles`. */
  readonly roles?: string
  /** Default: `scope` (space-separated) and `scp` (list or string). */
  readonly scopes?: string
  /** Default `tenant`. Required in every token once named here (see {@link JwtAuthConfig.require_tenant}). */
  readonly tenant?: string
  /** Default `groups`. */
  readonly groups?: string
}

/** Verification keys: a JWK or JWK Set (public keys), a PEM public key or certificate, or an HMAC secret. */
export type JwtKeys = JWK | JSONWebKeySet | string | Uint8Array

/** Configuration of {@link jwtAuth}. Give exactly one of `keys` and `jwks_url`. */
export interface JwtAuthConfig {
  readonly issuer: string | readonly string[]
  readonly audience: string | readonly string[]
  /** Accepted `alg` values. Default `['EdDSA', 'ES256', 'RS256']`, or `['HS256']` for a secret. `none` is never accepted. */
  readonly algorithms?: readonly string[]
  readonly keys?: JwtKeys
  /** An `https:` JWKS endpoint (`http:` only on a loopback host). Keys are fetched and cached by kid. */
  readonly jwks_url?: string
  /** Seconds of clock skew tolerated on `exp`, `nbf` and `iat`. Default 30. */
  readonly clock_tolerance?: number
  /**
   * Longest lifetime accepted, in seconds: `exp` is required, and a token
   * whose `exp` lies further than this past its `iat` (or past now) is
   * refused. Default 86,400 (24 h).
   */
  readonly max_lifetime_s?: number
  /**
   * Refuse tokens without the tenant claim instead of placing them in the
   * `default` tenant. Default: true when `claims.tenant` is configured.
   */
  readonly require_tenant?: boolean
  readonly claims?: JwtClaimsMapping
}

/** Default {@link JwtAuthConfig.max_lifetime_s}: one day. */
export const DEFAULT_JWT_MAX_LIFETIME_S = 86_400

const ASYMMETRIC = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
]
const SYMMETRIC = ['HS256', 'HS384', 'HS512']
const DEFAULT_ALGORITHMS = ['EdDSA', 'ES256', 'RS256']
const MIN_SECRET_BYTES = 32
// Three base64url segments: anything else is not a JWS and belongs to another backend.
const JWS_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]'])

function configError(message: string): AirlockError {
  return new AirlockError(ErrorCode.CONFIG_INVALID, `jwtAuth: ${message}`)
}

function isJwkSet(value: unknown): value is JSONWebKeySet {
  return typeof value === 'object' && value !== null && Array.isArray((value as { keys?: unknown }).keys)
}

function isPrivateJwk(jwk: JWK): boolean {
  return typeof (jwk as { d?: unknown }).d === 'string'
}

type KeySource = { kind: 'secret'; key: KeyObject } | { kind: 'public'; key: KeyObject | JWTVerifyGetKey }

function keySource(config: JwtAuthConfig): KeySource {
  const { keys, jwks_url } = config
  if ((keys === undefined) === (jwks_url === undefined))
    throw configError('give exactly one of keys and jwks_url')
  if (jwks_url !== undefined) {
    let url: URL
    try {
      url = new URL(jwks_url)
    } catch {
      throw configError(`jwks_url is not a URL: ${JSON.stringify(jwks_url)}`)
    }
    const loopback = LOOPBACK.has(url.hostname) || /^127\.\d+\.\d+\.\d+$/.test(url.hostname)
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
      throw configError('jwks_url must use https: (http: is allowed only on a loopback host)')
    }
    return { kind: 'public', key: createRemoteJWKSet(url) }
  }
  if (typeof keys === 'string' || keys instanceof Uint8Array) {
    const text = typeof keys === 'string' ? keys.trim() : ''
    if (text.startsWith('-----BEGIN')) {
      if (/PRIVATE KEY-----/.test(text))
        throw configError('keys must be a public key or certificate, not a private key')
      try {
        return { kind: 'public', key: createPublicKey(text) }
      } catch (error) {
        throw configError(`keys is not a readable PEM public key: ${(error as Error).message}`)
      }
    }
    const bytes = typeof keys === 'string' ? Buffer.from(keys, 'utf8') : Buffer.from(keys)
    if (bytes.length < MIN_SECRET_BYTES)
      throw configError(`an HMAC secret must be at least ${MIN_SECRET_BYTES} bytes`)
    return { kind: 'secret', key: createSecretKey(bytes) }
  }
  if (isJwkSet(keys)) {
    if (keys.keys.some(isPrivateJwk)) throw configError('keys must hold public keys only')
    return { kind: 'public', key: createLocalJWKSet(keys) }
  }
  if (typeof keys === 'object' && keys !== null && typeof (keys as JWK).kty === 'string') {
    const jwk = keys as JWK
    if (jwk.kty === 'oct') {
      const bytes = typeof jwk.k === 'string' ? Buffer.from(jwk.k, 'base64url') : Buffer.alloc(0)
      if (bytes.length < MIN_SECRET_BYTES)
        throw configError(`an HMAC secret must be at least ${MIN_SECRET_BYTES} bytes`)
      return { kind: 'secret', key: createSecretKey(bytes) }
    }
    if (isPrivateJwk(jwk)) throw configError('keys must be a public key, not a private one')
    return { kind: 'public', key: createLocalJWKSet({ keys: [jwk] }) }
  }
  throw configError('keys must be a JWK, a JWK Set, a PEM public key or a secret')
}

function checkAlgorithms(config: JwtAuthConfig, kind: KeySource['kind']): string[] {
  const algorithms = [...(config.algorithms ?? (kind === 'secret' ? ['HS256'] : DEFAULT_ALGORITHMS))]
  if (algorithms.length === 0) throw configError('algorithms must not be empty')
  for (const alg of algorithms) {
    if (typeof alg === 'string' && alg.toLowerCase() === 'none')
      throw configError("the 'none' algorithm is never accepted")
    const allowed = kind === 'secret' ? SYMMETRIC : ASYMMETRIC
    if (!allowed.includes(alg)) {
      // Mixing families is how algorithm-confusion attacks work: a public key used as an HMAC secret.
      throw configError(
        `algorithm ${JSON.stringify(alg)} cannot be used with ${kind === 'secret' ? 'a secret' : 'public keys'} (allowed: ${allowed.join(', ')})`,
      )
    }
  }
  return algorithms
}

function nonEmptyList(value: unknown, field: string): string | string[] {
  if (typeof value === 'string' && value !== '') return value
  if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string' && v !== ''))
    return [...value]
  throw configError(`${field} must be a non-empty string or list of strings`)
}

/** A claim by exact name first (names like `https://example.com/roles` contain dots), then as a dotted path. */
function claim(payload: JWTPayload, name: string): unknown {
  if (Object.hasOwn(payload, name)) return payload[name]
  let node: unknown = payload
  for (const part of name.split('.')) {
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, part)) return undefined
    node = (node as Record<string, unknown>)[part]
  }
  return node
}

function stringList(value: unknown, separator: RegExp): string[] {
  if (typeof value === 'string') return value.split(separator).filter((v) => v !== '')
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string' && v !== '')
  return []
}

/** Refuses a token meant to live longer than `maxLifetime` seconds (`exp` is present: jose required it). */
function checkLifetime(payload: JWTPayload, maxLifetime: number, clockTolerance: number): void {
  const exp = payload.exp ?? 0
  const now = Math.floor(Date.now() / 1000)
  const from = typeof payload.iat === 'number' ? Math.min(payload.iat, now) : now
  if (exp - from > maxLifetime + clockTolerance) {
    throw unauthenticated(`Invalid bearer token: it lives longer than the ${maxLifetime} s allowed`)
  }
}

/**
 * Verifies `Authorization: Bearer <jwt>` and maps its claims to a principal.
 *
 * @remarks Algorithms are pinned (checked before any key is used) and never
 * mix HMAC secrets with public keys. A bearer token that is not shaped like a
 * JWT is left to other backends; one that is, but fails verification (bad
 * signature, expired, wrong issuer or audience, no actor claim), is rejected.
 * So is a token without `exp`, one living longer than `max_lifetime_s`, and,
 * when `require_tenant` is on, one without the tenant claim.
 *
 * @throws AirlockError `CONFIG_INVALID` for a malformed configuration.
 */
export function jwtAuth(config: JwtAuthConfig): AuthBackend {
  const source = keySource(config)
  const algorithms = checkAlgorithms(config, source.kind)
  const issuer = nonEmptyList(config.issuer, 'issuer')
  const audience = nonEmptyList(config.audience, 'audience')
  const clockTolerance = config.clock_tolerance ?? 30
  if (!Number.isFinite(clockTolerance) || clockTolerance < 0)
    throw configError('clock_tolerance must be a non-negative number of seconds')
  const mapping = config.claims ?? {}
  const actorClaim = mapping.actor ?? 'sub'
  const rolesClaim = mapping.roles ?? 'roles'
  const groupsClaim = mapping.groups ?? 'groups'
  const tenantClaim = mapping.tenant ?? 'tenant'
  const requireTenant = config.require_tenant ?? mapping.tenant !== undefined
  const maxLifetime = config.max_lifetime_s ?? DEFAULT_JWT_MAX_LIFETIME_S
  if (!Number.isFinite(maxLifetime) || maxLifetime <= 0)
    throw configError('max_lifetime_s must be a positive number of seconds')
  // jose refuses a token without `exp`; the lifetime bound is checked below.
  const options = { issuer, audience, algorithms, clockTolerance, requiredClaims: ['exp'] }

  const key = source.key
  const verify = (token: string) =>
    typeof key === 'function' ? jwtVerify(token, key, options) : jwtVerify(token, key, options)

  return {
    name: 'jwt',
    authenticate: async (request) => {
      const token = bearerToken(request)
      if (token === null || !JWS_SHAPE.test(token)) return null
      let payload: JWTPayload
      try {
        payload = (await verify(token)).payload
      } catch (error) {
        if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid) {
          throw new AirlockError(
            ErrorCode.INTERNAL,
            `Could not load the JWT verification keys: ${error.message}`,
            {
              cause: error,
            },
          )
        }
        if (error instanceof errors.JOSEError) throw unauthenticated(`Invalid bearer token: ${error.message}`)
        throw error
      }
      checkLifetime(payload, maxLifetime, clockTolerance)
      const actor = claim(payload, actorClaim)
      if (typeof actor !== 'string' || actor === '') {
        throw unauthenticated(`Invalid bearer token: no '${actorClaim}' claim naming the caller`)
      }
      const tenant = claim(payload, tenantClaim)
      if (requireTenant && (typeof tenant !== 'string' || tenant === '')) {
        throw unauthenticated(`Invalid bearer token: no '${tenantClaim}' claim naming the tenant`)
      }
      const scopes =
        mapping.scopes !== undefined
          ? stringList(claim(payload, mapping.scopes), /[\s,]+/)
          : [...new Set([...stringList(payload.scope, /\s+/), ...stringList(payload.scp, /\s+/)])]
      const principal: Principal = {
        actor_id: actor,
        roles: stringList(claim(payload, rolesClaim), /[\s,]+/),
        groups: stringList(claim(payload, groupsClaim), /[\s,]+/),
        scopes,
        tenant_id: typeof tenant === 'string' && tenant !== '' ? tenant : DEFAULT_TENANT,
        delegation_chain: [],
        auth: 'jwt',
      }
      return principal
    },
  }
}
