/**
 * API keys, stored as SHA-256 hashes and compared in constant time.
 *
 * @module
 */
import { createHash } from 'node:crypto'
import { AirlockError } from '../../errors/airlock-error.js'
import { ErrorCode } from '../../errors/error-codes.js'
import { secretEqual } from '../../internal/secret-equal.js'
import { DEFAULT_TENANT, type Principal } from '../principal.js'
import { isWellKnownWeakKeyHash, WEAK_KEY_HASH_MESSAGE } from './api-key-strength.js'
import type { AuthBackend } from './auth-backend.js'
import { bearerToken } from './bearer-token.js'
import { unauthenticated } from './unauthenticated.js'

/** One accepted key. */
export interface ApiKeyEntry {
  /** A name for the key (shown in logs, never secret), e.g. `ci-bot-2025`. */
  readonly id: string
  /** Lower-case hex SHA-256 of the key (see `hashApiKey`). The key itself is never configured. */
  readonly sha256: string
  readonly actor_id: string
  readonly roles?: readonly string[]
  readonly groups?: readonly string[]
  readonly scopes?: readonly string[]
  /** Default `default`. */
  readonly tenant_id?: string
}

/** Configuration of {@link apiKeyAuth}. */
export interface ApiKeyAuthConfig {
  readonly keys: readonly ApiKeyEntry[]
  /** Header that may carry the key instead of `Authorization: Bearer`. Default `x-api-key`. */
  readonly header?: string
}

const SHA256_HEX = /^[0-9a-f]{64}$/
const HEADER_NAME = /^[A-Za-z0-9-]+$/

function configError(message: string): AirlockError {
  return new AirlockError(ErrorCode.CONFIG_INVALID, `apiKeyAuth: ${message}`)
}

function strings(value: unknown, field: string): readonly string[] {
  if (value === undefined) return []
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string' && v !== '')) {
    throw configError(`${field} must be a list of non-empty strings`)
  }
  return Object.freeze([...(value as string[])])
}

function nonEmpty(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim() === '')
    throw configError(`${field} must be a non-empty string`)
  return value
}

/**
 * Authenticates `Authorization: Bearer <key>` or `X-API-Key: <key>` against
 * hashed keys.
 *
 * @remarks The presented key is hashed and compared with every configured
 * hash, always all of them, with `secretEqual`: neither which key matched
 * nor how much of one did shows in the response time. A key in the
 * `X-API-Key` header takes precedence over the `Authorization` header. A
 * bearer token that matches no key is rejected, so another backend (e.g.
 * JWT) listed after this one still gets its chance.
 *
 * @throws AirlockError `CONFIG_INVALID` for a malformed configuration.
 */
export function apiKeyAuth(config: ApiKeyAuthConfig): AuthBackend {
  if (!Array.isArray(config.keys)) throw configError('keys must be a list')
  const header = (config.header ?? 'x-api-key').toLowerCase()
  if (!HEADER_NAME.test(header) || header === 'authorization') {
    throw configError(
      `header must be a header name other than authorization, got ${JSON.stringify(config.header)}`,
    )
  }
  const seenIds = new Set<string>()
  const seenHashes = new Set<string>()
  const entries = config.keys.map((key, i) => {
    const where = `keys[${i}]`
    const id = nonEmpty(key.id, `${where}.id`)
    if (typeof key.sha256 !== 'string' || !SHA256_HEX.test(key.sha256.toLowerCase())) {
      throw configError(`${where}.sha256 must be 64 hex characters (the SHA-256 of the key, not the key)`)
    }
    const sha256 = key.sha256.toLowerCase()
    if (isWellKnownWeakKeyHash(sha256)) throw configError(`${where}.sha256: ${WEAK_KEY_HASH_MESSAGE}`)
    if (seenIds.has(id)) throw configError(`${where}.id '${id}' is used twice`)
    if (seenHashes.has(sha256)) throw configError(`${where} has the same hash as an earlier key`)
    seenIds.add(id)
    seenHashes.add(sha256)
    const principal: Principal = Object.freeze({
      actor_id: nonEmpty(key.actor_id, `${where}.actor_id`),
      roles: strings(key.roles, `${where}.roles`),
      groups: strings(key.groups, `${where}.groups`),
      scopes: strings(key.scopes, `${where}.scopes`),
      tenant_id: key.tenant_id === undefined ? DEFAULT_TENANT : nonEmpty(key.tenant_id, `${where}.tenant_id`),
      delegation_chain: Object.freeze([]),
      auth: 'api_key',
    })
    return { digest: Buffer.from(sha256, 'hex'), principal }
  })

  return {
    name: 'api_key',
    authenticate: async (request) => {
      const fromHeader = request.headers.get(header)
      const key = fromHeader ?? bearerToken(request)
      if (key === null) return null
      const digest = createHash('sha256').update(key.trim(), 'utf8').digest()
      let match: Principal | null = null
      for (const entry of entries) {
        // No early exit: the loop takes as long whichever key (if any) matches.
        if (secretEqual(digest, entry.digest) && match === null) match = entry.principal
      }
      if (match === null) {
        throw unauthenticated(
          fromHeader === null ? 'The bearer token is not a valid API key' : 'Invalid API key',
        )
      }
      return match
    },
  }
}
