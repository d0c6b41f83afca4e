/**
 * One `tools/call` through the pipeline, for Airlock's own server and for
 * the proxy alike: decide, hold and wait, run, answer — failing closed.
 *
 * @module
 */
import { createHash } from 'node:crypto'
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js'
import type { Airlock } from '../airlock.js'
import { canonicalJson } from '../audit/canonical-json.js'
import { AirlockError } from '../errors/airlock-error.js'
import type { Principal } from '../identity/principal.js'
import { type CallExchange, currentExchange } from './call-exchange.js'
import { failClosedResult, resultFromOutcome } from './result-from-outcome.js'
import { type HeldCallOptions, settleHeldCall } from './settle-held-call.js'

/** Where a governed call reports what went wrong inside Airlock (the client only hears that it failed closed). */
export type McpErrorLog = (error: unknown, context: { action: string }) => void

/**
 * The idempotency key a call that needs approval is claimed under: the same
 * caller asking for the same action with the same arguments gets the same
 * key, so a client that retries finds its first approval instead of opening
 * a second one, and an approved call runs once.
 */
export function heldCallKey(principal: Principal, action: string, args: Record<string, unknown>): string {
  const digest = createHash('sha256')
    .update(canonicalJson({ tenant: principal.tenant_id, actor: principal.actor_id, action, args }))
    .digest('base64url')
  return `mcp-call-${digest}`
}

/** Everything one governed call needs. */
export interface GovernedCall {
  readonly airlock: Airlock
  readonly principal: Principal
  readonly action: string
  readonly args: Record<string, unknown>
  readonly exchange: CallExchange
  readonly held?: HeldCallOptions
  readonly onError?: McpErrorLog
}

/**
 * Runs one call through the whole pipeline and maps the outcome to a result.
 *
 * @remarks Only calls the pipeline would hold are given the derived
 * idempotency key, so repeated reads are never answered from a stored
 * outcome. Any error inside Airlock (store, policy, audit) becomes an
 * `isError` result and the call is neither forwarded nor run.
 */
export async function governToolCall(call: GovernedCall): Promise<CallToolResult> {
  const { airlock, principal, action, args, exchange } = call
  try {
    return await currentExchange.run(exchange, async () => {
      const foreseen = airlock.decide(action, args, { caller: principal })
      const idempotency_key =
        foreseen.decision === 'require_approval' ? heldCallKey(principal, action, args) : null
      let outcome = await airlock.execute(action, args, {
        caller: principal,
        idempotency_key,
        signal: exchange.signal,
        client_request_id: exchange.client_request_id,
      })
      if (outcome.status === 'pending_approval') {
        outcome = await settleHeldCall({ airlock, principal, pending: outcome, exchange }, call.held)
      }
      return resultFromOutcome(outcome)
    })
  } catch (error) {
    call.onError?.(error, { action })
    // Airlock's own errors are safe to show; anything else may quote internals (a DSN), so it stays in the log.
    return failClosedResult(
      AirlockError.isInstance(error)
        ? `${error.code}: ${error.message}`
        : 'internal error (see the server log)',
    )
  }
}
