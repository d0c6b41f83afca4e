import { DEFAULT_CLOCK_TOLERANCE_S } from '../identity/tokens/identity-token.js'
import { type VerificationSource, verifyToken } from '../identity/tokens/verify-token.js'
import type { NonceStore } from '../store/store.js'
import { DEFAULT_TICKET_AUDIENCE, TICKET_TYPE, type TicketClaims } from './issue-ticket.js'
import { paramsHash } from './params-hash.js'

/** Skips one binding of {@link ExpectedTicket} on purpose; leaving a binding out is refused. */
export const ANY: unique symbol = Symbol.for('airlock.ticket.any')

/**
 * What the redeemer is about to do. Every binding is required, and must
 * match the ticket: pass {@link ANY} to skip one deliberately.
 */
export interface ExpectedTicket {
  readonly action: string
  /** The target about to be acted on; `null` requires a ticket without a target. */
  readonly target: string | null | typeof ANY
  /** The params about to be used, compared by canonical hash. */
  readonly params: Record<string, unknown> | typeof ANY
  /** The caller's actor id. */
  readonly caller: string | typeof ANY
  /** The caller's tenant. */
  readonly tenant: string | typeof ANY
}

/** Options of {@link validateTicket}. */
export interface ValidateTicketOptions {
  /** Expected `iss`. Default: the key set's issuer. */
  readonly issuer?: string
  /**
   * This redeemer's audience: a ticket whose `aud` is not it is refused.
   * Default {@link DEFAULT_TICKET_AUDIENCE}; {@link ANY} accepts any audience.
   */
  readonly audience?: string | typeof ANY
  /** Allowed clock skew in seconds. Default 5. */
  readonly clock_tolerance_s?: number
  /** Validation time, for tests. */
  readonly now?: Date
}

/** Why a ticket was refused. Stable values; `reason` texts may be reworded. */
export type TicketRefusal =
  | 'malformed'
  | 'bad_signature'
  | 'wrong_algorithm'
  | 'unknown_key'
  | 'expired'
  | 'not_yet_valid'
  | 'wrong_issuer'
  | 'wrong_audience'
  | 'audience_missing'
  | 'not_a_ticket'
  | 'invalid_claims'
  | 'action_mismatch'
  | 'target_mismatch'
  | 'params_mismatch'
  | 'caller_mismatch'
  | 'tenant_mismatch'
  | 'binding_missing'
  | 'replayed'

export type TicketValidation =
  | { readonly valid: true; readonly reason: 'Ticket is valid'; readonly claims: TicketClaims }
  | { readonly valid: false; readonly code: TicketRefusal; readonly reason: string }

/**
 * Nonces are kept this long past a ticket's expiry before a store may purge
 * them, comfortably more than any clock skew between replicas.
 */
export const NONCE_RETENTION_MARGIN_S = 300

function refuse(code: TicketRefusal, reason: string): TicketValidation {
  return { valid: false, code, reason }
}

function readClaims(p: Record<string, unknown>): TicketClaims | null {
  const str = (v: unknown) => typeof v === 'string' && v !== ''
  if (!str(p.action) || !str(p.caller) || !str(p.tenant) || !str(p.audit_id) || !str(p.params_sha256))
    return null
  if (p.target !== null && !str(p.target)) return null
  if (p.approval_id !== undefined && !str(p.approval_id)) return null
  if (p.aud !== undefined && !str(p.aud)) return null
  return p as unknown as TicketClaims
}

/** The audience refusal, if the ticket is not meant for `audience`. */
function audienceRefusal(aud: string | undefined, audience: string | typeof ANY): TicketValidation | null {
  if (audience === ANY || aud === audience) return null
  if (aud === undefined) {
    return refuse(
      'audience_missing',
      `Ticket names no audience (aud); this redeemer expects '${audience}'. Issue a new ticket (tickets carry an audience now), or accept any audience on purpose with ANY`,
    )
  }
  return refuse('wrong_audience', `Audience mismatch: ticket is for '${aud}', expected '${audience}'`)
}

const show = (v: string | null) => (v === null ? '(none)' : `'${v}'`)

/**
 * Validates an execution ticket and, if it is good, consumes its nonce.
 *
 * @remarks Checks, in order: signature with the key's pinned algorithm, `typ`,
 * issuer and expiry; the audience (default {@link DEFAULT_TICKET_AUDIENCE}:
 * a ticket without `aud` is refused as `audience_missing`); then the binding (action, target, params hash,
 * caller, tenant); only then is the nonce consumed, so a ticket shown to the
 * wrong executor stays usable by the right one. The nonce is consumed through
 * `NonceStore.consume`, atomic across every process sharing the store: under
 * concurrent validation of one ticket, exactly one caller gets `valid: true`
 * and every other gets `Ticket has already been used (replay detected)`.
 */
export async function validateTicket(
  source: VerificationSource,
  token: string,
  expected: ExpectedTicket,
  nonces: NonceStore,
  options: ValidateTicketOptions = {},
): Promise<TicketValidation> {
  const tolerance = options.clock_tolerance_s ?? DEFAULT_CLOCK_TOLERANCE_S
  const verified = await verifyToken(source, token, {
    typ: TICKET_TYPE,
    issuer: options.issuer,
    // The audience is checked below, so a ticket without one gets its own answer.
    clock_tolerance_s: tolerance,
    now: options.now,
  })
  if (!verified.ok) {
    switch (verified.reason) {
      case 'expired':
        return refuse('expired', 'Ticket has expired')
      case 'wrong_issuer':
        return refuse('wrong_issuer', 'Invalid ticket issuer')
      case 'wrong_type':
        return refuse('not_a_ticket', `Token is not an execution ticket (${verified.message})`)
      case 'alg_none':
        return refuse('wrong_algorithm', `Invalid ticket: ${verified.message}`)
      default:
        return refuse(verified.reason, `Invalid ticket: ${verified.message}`)
    }
  }
  const claims = readClaims(verified.payload)
  if (!claims) return refuse('invalid_claims', 'Invalid ticket: its claims are missing or malformed')
  const wrongAudience = audienceRefusal(claims.aud, options.audience ?? DEFAULT_TICKET_AUDIENCE)
  if (wrongAudience) return wrongAudience
  if (claims.action !== expected.action) {
    return refuse(
      'action_mismatch',
      `Action mismatch: ticket is for '${claims.action}', expected '${expected.action}'`,
    )
  }
  const missing = (['target', 'params', 'caller', 'tenant'] as const).filter((b) => expected[b] === undefined)
  if (missing.length > 0) {
    // Fail closed: a forgotten binding must not silently mean "anything".
    return refuse('binding_missing', `Bindings not given (pass ANY to skip one): ${missing.join(', ')}`)
  }
  if (expected.target !== ANY && claims.target !== expected.target) {
    return refuse(
      'target_mismatch',
      `Target mismatch: ticket is for ${show(claims.target)}, expected ${show(expected.target ?? null)}`,
    )
  }
  if (expected.params !== ANY && claims.params_sha256 !== paramsHash(expected.params)) {
    return refuse(
      'params_mismatch',
      'Params mismatch: the params differ from those the ticket was issued for',
    )
  }
  if (expected.caller !== ANY && claims.caller !== expected.caller) {
    return refuse(
      'caller_mismatch',
      `Caller mismatch: ticket is for '${claims.caller}', expected '${expected.caller}'`,
    )
  }
  if (expected.tenant !== ANY && claims.tenant !== expected.tenant) {
    return refuse(
      'tenant_mismatch',
      `Tenant mismatch: ticket is for '${claims.tenant}', expected '${expected.tenant}'`,
    )
  }
  const keepUntil = new Date((claims.exp + tolerance + NONCE_RETENTION_MARGIN_S) * 1000).toISOString()
  if (!(await nonces.consume(claims.jti, keepUntil))) {
    return refuse('replayed', 'Ticket has already been used (replay detected)')
  }
  return { valid: true, reason: 'Ticket is valid', claims }
}
