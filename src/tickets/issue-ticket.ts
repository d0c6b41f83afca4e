import { DEFAULT_TENANT } from '../identity/principal.js'
import type { KeySet } from '../identity/tokens/key-set.js'
import { newTokenId, signToken } from '../identity/tokens/sign-token.js'
import { badRequest, requireName, requireWhole } from '../identity/tokens/token-arguments.js'
import { paramsHash } from './params-hash.js'

/** `typ` header of execution tickets, so an identity token is never taken for one (and back). */
export const TICKET_TYPE = 'airlock-ticket+jwt'

/**
 * `aud` of a ticket when its issuer names none, and what a validator expects
 * when it names none: a ticket is always meant for someone, so a token issued
 * for another purpose (or another executor) is not redeemable by default.
 */
export const DEFAULT_TICKET_AUDIENCE = 'airlock-executor'

export const DEFAULT_TICKET_TTL_S = 300
/** Tickets are for running now; a day-long ticket is a standing credential. */
export const MAX_TICKET_TTL_S = 3600

/** The claims of an execution ticket. */
export interface TicketClaims {
  readonly iss: string
  /**
   * Who may redeem the ticket: {@link DEFAULT_TICKET_AUDIENCE} unless the
   * issuer named one. Always set on issued tickets; a validator told to accept
   * any audience may still meet an older ticket without one.
   */
  readonly aud?: string
  readonly action: string
  /** Target id, or null for an action without one. */
  readonly target: string | null
  /** SHA-256 of the canonical params (see `paramsHash`); the params themselves never travel in the ticket. */
  readonly params_sha256: string
  /** Actor id of the caller the decision was made for. */
  readonly caller: string
  readonly tenant: string
  /** The audit event of the decision that allowed this run. */
  readonly audit_id: string
  /** Set when the ticket was issued for an approved request. */
  readonly approval_id?: string
  /** Single-use nonce. */
  readonly jti: string
  readonly iat: number
  readonly nbf: number
  readonly exp: number
}

/** Options of {@link issueTicket}. */
export interface IssueTicketOptions {
  readonly action: string
  readonly target?: string | null
  readonly params?: Record<string, unknown>
  /** The caller's actor id. */
  readonly caller: string
  /** Default `default`. */
  readonly tenant?: string
  readonly audit_id: string
  /** Lifetime in seconds. Default 300, at most 3600. */
  readonly ttl_s?: number
  /** Who may redeem the ticket (`aud`), e.g. an executor's name. Default {@link DEFAULT_TICKET_AUDIENCE}. */
  readonly audience?: string
  /** Issue time, for tests. */
  readonly now?: Date
}

/** A signed ticket and what it binds. */
export interface IssuedTicket {
  readonly token: string
  readonly claims: TicketClaims
}

/** @internal Issues a ticket with a given nonce and times. */
export async function signTicket(
  keySet: KeySet,
  options: IssueTicketOptions,
  nonce: string,
  times: { iat: number; exp: number },
  approval_id?: string,
): Promise<IssuedTicket> {
  const target = options.target ?? null
  if (target !== null) requireName('target', target)
  if (
    options.params !== undefined &&
    (typeof options.params !== 'object' || options.params === null || Array.isArray(options.params))
  ) {
    throw badRequest('params must be an object')
  }
  const claims: TicketClaims = {
    iss: keySet.issuer,
    aud: requireName('audience', options.audience ?? DEFAULT_TICKET_AUDIENCE),
    action: requireName('action', options.action),
    target,
    params_sha256: paramsHash(options.params),
    caller: requireName('caller', options.caller),
    tenant: requireName('tenant', options.tenant ?? DEFAULT_TENANT),
    audit_id: requireName('audit_id', options.audit_id),
    ...(approval_id === undefined ? {} : { approval_id }),
    jti: nonce,
    iat: times.iat,
    nbf: times.iat,
    exp: times.exp,
  }
  const { iss: _iss, iat: _iat, nbf: _nbf, exp: _exp, ...body } = claims
  const token = await signToken(keySet, TICKET_TYPE, body, { iat: times.iat, nbf: times.iat, exp: times.exp })
  return { token, claims }
}

/** Validated ticket lifetime. */
export function ticketTtl(ttl_s: number | undefined): number {
  const ttl = requireWhole('ttl_s', ttl_s ?? DEFAULT_TICKET_TTL_S, 1)
  if (ttl > MAX_TICKET_TTL_S) throw badRequest(`ttl_s must be at most ${MAX_TICKET_TTL_S}, got ${ttl}`)
  return ttl
}

/**
 * Signs a single-use execution ticket for an allowed request: it binds the
 * action, target, a hash of the params, the caller and the audit id, and
 * carries a random nonce (`jti`) that a validator consumes once.
 */
export async function issueTicket(keySet: KeySet, options: IssueTicketOptions): Promise<IssuedTicket> {
  const ttl = ticketTtl(options.ttl_s)
  const iat = Math.floor((options.now ?? new Date()).getTime() / 1000)
  return signTicket(keySet, options, newTokenId(), { iat, exp: iat + ttl })
}
