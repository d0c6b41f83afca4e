import { createHash } from 'node:crypto'
import { AirlockError } from '../errors/airlock-error.js'
import { ErrorCode } from '../errors/error-codes.js'
import type { KeySet } from '../identity/tokens/key-set.js'
import { requireName } from '../identity/tokens/token-arguments.js'
import { type IssuedTicket, type IssueTicketOptions, signTicket, ticketTtl } from './issue-ticket.js'

/** Options of {@link ticketForApproval}. */
export interface ApprovalTicketOptions extends Omit<IssueTicketOptions, 'now'> {
  readonly approval_id: string
  /** When the approval was decided (ISO time or Date); the ticket's lifetime counts from here. */
  readonly approved_at: string | Date
  /** Issue time, for tests. */
  readonly now?: Date
}

/** The nonce every ticket for one approval shares. */
export function approvalNonce(approval_id: string): string {
  return `apr.${createHash('sha256').update(approval_id).digest('base64url')}`
}

/**
 * The execution ticket for an approved request. Asking again (a client
 * re-polling the approval) yields a ticket with the same nonce and the same
 * expiry, so at most one of them can ever be redeemed.
 *
 * @remarks Both the nonce (derived from the approval id) and the expiry
 * (`approved_at + ttl_s`) are fixed by the approval, not by the time of the
 * call. A fixed expiry matters: a nonce store may forget a nonce once its
 * expiry has passed, and a later ticket with a fresh expiry would then be
 * redeemable again. After the window closes no ticket is issued at all.
 */
export async function ticketForApproval(
  keySet: KeySet,
  options: ApprovalTicketOptions,
): Promise<IssuedTicket> {
  const approval_id = requireName('approval_id', options.approval_id)
  const ttl = ticketTtl(options.ttl_s)
  const approvedMs = new Date(options.approved_at).getTime()
  if (!Number.isFinite(approvedMs))
    throw new AirlockError(ErrorCode.BAD_REQUEST, 'approved_at must be a valid time')
  const iat = Math.floor(approvedMs / 1000)
  const exp = iat + ttl
  const nowS = Math.floor((options.now ?? new Date()).getTime() / 1000)
  if (nowS >= exp) {
    throw new AirlockError(
      ErrorCode.FORBIDDEN,
      `The execution window of approval '${approval_id}' closed at ${new Date(exp * 1000).toISOString()}`,
      { details: { reason: 'approval_ticket_window_closed' } },
    )
  }
  return signTicket(keySet, options, approvalNonce(approval_id), { iat, exp }, approval_id)
}
