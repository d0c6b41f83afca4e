/**
 * The single-use execution ticket of one executor run: minted for the
 * authorized request and redeemed at once against the store's nonces, so a
 * run that is retried, replayed or raced can execute at most once.
 *
 * @module
 */
import type { ActionDefinition } from '../../actions/action-definition.js'
import { AirlockError } from '../../errors/airlock-error.js'
import { ErrorCode } from '../../errors/error-codes.js'
import type { TicketClaims } from '../../tickets/issue-ticket.js'
import { issueTicket } from '../../tickets/issue-ticket.js'
import { validateTicket } from '../../tickets/validate-ticket.js'
import type { PipelineDeps } from '../pipeline-deps.js'
import type { RunContext } from './run.js'

/** Mints and redeems the run's ticket; throws `TICKET_INVALID` when the store refuses it. */
export async function redeemRunTicket(
  deps: Pick<PipelineDeps, 'store' | 'now' | 'run_keys'>,
  definition: ActionDefinition,
  inputs: Record<string, unknown>,
  ctx: RunContext,
  audit_id: string,
): Promise<TicketClaims> {
  const keys = await deps.run_keys()
  const expected = {
    action: definition.name,
    target: ctx.decision.target,
    params: inputs,
    caller: ctx.principal.actor_id,
    tenant: ctx.principal.tenant_id,
  }
  const { token } = await issueTicket(keys, { ...expected, audit_id, ttl_s: 60, now: deps.now() })
  const checked = await validateTicket(keys, token, expected, deps.store.nonces, { now: deps.now() })
  if (!checked.valid) {
    throw new AirlockError(ErrorCode.TICKET_INVALID, `The execution ticket was refused: ${checked.reason}`, {
      details: { reason: checked.code },
    })
  }
  return checked.claims
}
