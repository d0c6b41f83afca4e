import { AirlockError } from '../../errors/airlock-error.js'
import { ErrorCode } from '../../errors/error-codes.js'
import { DEFAULT_TENANT, type Principal } from '../principal.js'
import { verifyIdentityToken } from './identity-token.js'
import type { VerificationSource } from './verify-token.js'

/** Options of {@link resolveCaller}. */
export interface ResolveCallerOptions {
  /** Keys that verify identity tokens. */
  readonly keySet: VerificationSource
  /** Expected `aud` of identity tokens. */
  readonly audience: string
  readonly issuer?: string
  readonly clock_tolerance_s?: number
  /**
   * Accept a bare caller name (no token) as a trusted local caller. Default
   * false: only for development or fully trusted in-process callers, since
   * anyone can claim any name.
   */
  readonly allow_plain_names?: boolean
  /** Tenant of plain-name callers. Default `default`. */
  readonly tenant_id?: string
  readonly now?: Date
}

/** What a plain caller name may look like; anything else is refused rather than guessed at. */
const PLAIN_NAME = /^[A-Za-z0-9][A-Za-z0-9_.:@/-]{0,127}$/

/**
 * Whether a caller string is meant as a token. Any JWT header starts with
 * `eyJ` (base64url of `{"`), and a name with two dots is read as a token too:
 * a mistyped token must fail as a token, never pass as a name.
 */
export function looksLikeToken(value: string): boolean {
  return value.startsWith('eyJ') || value.split('.').length >= 3
}

/**
 * Turns a caller string into a principal: a token must verify, and a plain
 * name is accepted only when `allow_plain_names` is set.
 *
 * @remarks An invalid, expired or forged token is an `UNAUTHENTICATED` error;
 * it never falls back to being treated as a caller name.
 */
export async function resolveCaller(value: string, options: ResolveCallerOptions): Promise<Principal> {
  if (typeof value !== 'string' || value === '') {
    throw new AirlockError(ErrorCode.UNAUTHENTICATED, 'No caller credential given')
  }
  if (looksLikeToken(value)) {
    return verifyIdentityToken(options.keySet, value, {
      audience: options.audience,
      ...(options.issuer === undefined ? {} : { issuer: options.issuer }),
      ...(options.clock_tolerance_s === undefined ? {} : { clock_tolerance_s: options.clock_tolerance_s }),
      ...(options.now === undefined ? {} : { now: options.now }),
    })
  }
  if (!options.allow_plain_names) {
    throw new AirlockError(
      ErrorCode.UNAUTHENTICATED,
      'Plain caller names are not accepted here; present a signed identity token',
      { details: { reason: 'plain_name_not_allowed' } },
    )
  }
  if (!PLAIN_NAME.test(value)) {
    throw new AirlockError(
      ErrorCode.UNAUTHENTICATED,
      'Caller name has characters a caller name may not have',
      {
        details: { reason: 'malformed' },
      },
    )
  }
  return {
    actor_id: value,
    roles: [],
    groups: [],
    scopes: [],
    tenant_id: options.tenant_id ?? DEFAULT_TENANT,
    delegation_chain: [],
    auth: 'plain_name',
  }
}
