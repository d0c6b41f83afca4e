/**
 * What happens to a held `tools/call`: the human at the client is asked when
 * the client can be asked, and the call waits (with progress) for a decision
 * made there or out of band, then runs or answers with the denial.
 *
 * @module
 */
import { setTimeout as sleep } from 'node:timers/promises'
import type { Airlock } from '../airlock.js'
import { AirlockError } from '../errors/airlock-error.js'
import type { Principal } from '../identity/principal.js'
import type { Outcome, PendingApprovalOutcome } from '../outcome.js'
import type { CallExchange } from './call-exchange.js'

/** How held calls wait. */
export interface HeldCallOptions {
  /** How long a held call waits for a decision before it is expired and denied. Default 5 min; 0 answers at once with the approval id. */
  readonly wait_ms?: number
  /** How often a waiting call sends a progress notification. Default 5 s. */
  readonly progress_interval_ms?: number
  /** How often the approval is looked at. Default 250 ms. */
  readonly poll_ms?: number
  /**
   * Ask the human through MCP elicitation when the client supports it.
   * Default true. The answer is a decision by the caller's own principal, so
   * Airlock's self-approval rule applies: unless `approvals.allow_self_approval`
   * is on, an in-band approval is refused (and audited) and the call keeps
   * waiting for an out-of-band approver.
   */
  readonly elicitation?: boolean
}

/** The elicitation channel's name in audit records. */
export const ELICITATION_CHANNEL = 'mcp-elicitation'

const DECISION_SCHEMA = {
  type: 'object',
  properties: {
    decision: {
      type: 'string',
      title: 'Decision',
      enum: ['approve', 'reject'],
      enumNames: ['Approve', 'Reject'],
    },
    comment: { type: 'string', title: 'Comment (optional)', maxLength: 500 },
  },
  required: ['decision'],
} as const

function describeRefusal(error: unknown): string {
  return AirlockError.isInstance(error) ? `${error.code}: ${error.message}` : String(error)
}

interface Held {
  readonly airlock: Airlock
  readonly principal: Principal
  readonly pending: PendingApprovalOutcome
  readonly exchange: CallExchange
}

/**
 * Puts the held call to the human at the client. Resolves with the outcome
 * when their decision settled the request here; null when it did not (refused
 * as self-approval, cancelled, or the client could not answer) so the caller
 * keeps waiting.
 */
async function askAtClient(held: Held, signal: AbortSignal): Promise<Outcome | 'withdrawn' | null> {
  const { airlock, principal, pending, exchange } = held
  if (!exchange.elicit) return null
  const approval = await airlock.approvals.get(principal, pending.approval_id)
  const answer = await exchange
    .elicit(
      {
        // Only the redacted inputs are shown; the form asks for a decision, never for a secret.
        message:
          `Airlock holds '${approval.action}' for approval (${approval.reason}; risk ${approval.effective_risk}).\n` +
          `Inputs: ${JSON.stringify(approval.inputs)}\nApproval id: ${approval.id}`,
        requestedSchema: DECISION_SCHEMA as never,
      },
      signal,
    )
    .catch(() => null)
  if (answer === null || answer.action === 'cancel' || signal.aborted) return null
  const comment = typeof answer.content?.comment === 'string' ? answer.content.comment : null
  const options = { approver: principal, comment, channel: ELICITATION_CHANNEL }
  const approve = answer.action === 'accept' && answer.content?.decision === 'approve'
  try {
    if (approve) {
      const result = await airlock.approvals.approve(pending.approval_id, options)
      return result.status === 'decided' ? result.outcome : null
    }
    await airlock.approvals.reject(pending.approval_id, options)
    return null
  } catch (error) {
    await exchange.progress(
      `The ${approve ? 'approval' : 'rejection'} given here was refused (${describeRefusal(error)}); ` +
        (approve ? 'waiting for an out-of-band approver.' : 'the request stays pending for an approver.'),
    )
    return approve ? null : 'withdrawn'
  }
}

/**
 * Waits for the held request to be decided, then runs it (or reads how it
 * ended) through `approvals.resume`.
 *
 * @remarks At `wait_ms` the approval is expired (audited) and the call
 * answers with the denial. When the client cancels, or declines in a form it
 * may not decide, the pending outcome is returned and the approval stays
 * pending for an approver: a retry of the same call finds it again.
 */
export async function settleHeldCall(held: Held, options: HeldCallOptions = {}): Promise<Outcome> {
  const { airlock, principal, pending, exchange } = held
  const waitMs = options.wait_ms ?? 300_000
  if (waitMs === 0) return pending
  const interval = options.progress_interval_ms ?? 5_000
  const poll = options.poll_ms ?? 250
  const started = Date.now()
  const deadline = started + waitMs
  // Told first, before any look at the approval: a decision made at once must not leave the client without the id it was held under.
  await exchange.progress(
    `Held for approval ${pending.approval_id}; waiting up to ${Math.round(waitMs / 1000)} s for a decision`,
  )
  const stopAsking = new AbortController()
  const onAbort = () => stopAsking.abort()
  exchange.signal.addEventListener('abort', onAbort, { once: true })
  const state: { asked: Outcome | 'withdrawn' | null } = { asked: null }
  const asking =
    options.elicitation === false
      ? Promise.resolve()
      : askAtClient(held, stopAsking.signal).then((answer) => {
          state.asked = answer
        })
  let nextProgress = started + interval
  try {
    for (;;) {
      if (state.asked === 'withdrawn' || exchange.signal.aborted) return pending
      if (state.asked !== null) return state.asked
      const approval = await airlock.approvals.get(principal, pending.approval_id)
      if (approval.status !== 'pending') return await airlock.approvals.resume(principal, approval.id)
      if (Date.now() >= deadline) {
        await airlock.approvals.wait(principal, approval.id, { timeout_ms: 0 })
        return await airlock.approvals.resume(principal, approval.id)
      }
      if (Date.now() >= nextProgress) {
        nextProgress += interval
        const waited = Math.round((Date.now() - started) / 1000)
        await exchange.progress(
          `Waiting for approval ${approval.id} (${waited} s of ${Math.round(waitMs / 1000)} s)`,
        )
      }
      await sleep(Math.min(poll, Math.max(1, deadline - Date.now())), undefined, {
        signal: exchange.signal,
      }).catch(() => undefined)
    }
  } finally {
    stopAsking.abort()
    exchange.signal.removeEventListener('abort', onAbort)
    await asking.catch(() => undefined)
  }
}
