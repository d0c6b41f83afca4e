/**
 * Ask: a held call waits for its approval to be decided, while the channels
 * are asked in the background.
 *
 * @module
 */
import type { Airlock } from '../airlock.js'
import type { NotificationResult } from '../approvals/channels/channel.js'
import type { ApprovalVerdict } from '../approvals/policy/approval-policy.js'
import type { Approval } from '../store/store.js'
import type { GuardSettings } from './guard-options.js'
import { type AskedApproval, notifyApprovers } from './notify-approvers.js'

/** How the wait for a decision ended. */
export interface Decision {
  /** The approval once it left `pending` (decided, expired, executing or settled). */
  readonly approval: Approval
  /** Set when the approval expired because no channel could reach an approver. */
  readonly unreachable: string | null
  /** How each channel's delivery went, as far as known when the wait ended. */
  readonly notifications: readonly NotificationResult[]
}

/** The held call to ask about. */
export interface HeldCall {
  readonly approval_id: string
  /** False for a replayed hold: its channels were notified when it was first held. */
  readonly notify: boolean
  readonly verdict: ApprovalVerdict
}

/**
 * Notifies the channels and waits until the approval leaves `pending`.
 *
 * @remarks The wait polls the shared store, so a decision made in another
 * process counts. When every channel failed, or the caller's `signal`
 * aborts, the approval is expired at once rather than left to linger; an
 * abort then rethrows the signal's reason.
 */
export async function askApprovers<A extends unknown[]>(
  airlock: Airlock,
  settings: GuardSettings<A>,
  held: HeldCall,
): Promise<Decision> {
  const approval = await airlock.approvals.get(settings.caller, held.approval_id)
  if (approval.status !== 'pending') return { approval, unreachable: null, notifications: [] }
  const stopNotifying = new AbortController()
  const stopWaiting = new AbortController()
  const unreachable = new Error('no channel reached an approver')
  const onCancel = () => stopWaiting.abort(settings.signal?.reason)
  settings.signal?.addEventListener('abort', onCancel, { once: true })
  const asked: AskedApproval = { approval, verdict: held.verdict, notifications: [] }
  if (held.notify) {
    notifyApprovers(airlock, settings, asked, stopNotifying.signal, () => stopWaiting.abort(unreachable))
  }
  try {
    return await awaitDecision(airlock, settings, asked, stopWaiting.signal, unreachable)
  } finally {
    stopNotifying.abort()
    settings.signal?.removeEventListener('abort', onCancel)
  }
}

/** Waits for the decision; when `stop` aborts, expires the approval and says why. */
async function awaitDecision<A extends unknown[]>(
  airlock: Airlock,
  settings: GuardSettings<A>,
  asked: AskedApproval,
  stop: AbortSignal,
  unreachable: Error,
): Promise<Decision> {
  const { caller } = settings
  try {
    const decided = await airlock.approvals.wait(caller, asked.approval.id, {
      timeout_ms: settings.timeout_ms,
      poll_ms: settings.poll_ms,
      signal: stop,
    })
    return { approval: decided, unreachable: null, notifications: asked.notifications }
  } catch (error) {
    if (!stop.aborted) throw error
    // Nobody can decide (every channel failed) or the caller gave up: expire now rather than linger.
    const expired = await airlock.approvals.wait(caller, asked.approval.id, { timeout_ms: 0 })
    if (stop.reason !== unreachable) throw settings.signal?.reason ?? error
    const why = asked.notifications.map((n) => `${n.channel}: ${n.error ?? 'not delivered'}`).join('; ')
    return {
      approval: expired,
      unreachable: expired.status === 'expired' ? `No channel could reach an approver (${why})` : null,
      notifications: asked.notifications,
    }
  }
}
