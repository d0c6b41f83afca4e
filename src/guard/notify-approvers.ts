/**
 * Ask, part one: deliver a held call's approval to the channels, and record
 * how each delivery went.
 *
 * @module
 */
import type { Airlock } from '../airlock.js'
import type { ApprovalNotice, Channel, NotificationResult } from '../approvals/channels/channel.js'
import type { ApprovalVerdict } from '../approvals/policy/approval-policy.js'
import { createRedactor } from '../audit/redact.js'
import type { Approval } from '../store/store.js'
import type { GuardSettings } from './guard-options.js'

const display = createRedactor()

/** A held call's approval, as the guard asks about it. */
export interface AskedApproval {
  readonly approval: Approval
  /** Why the guard's own approval policy held the call, if it did (shown instead of the pipeline's reason). */
  readonly verdict: ApprovalVerdict
  /** Every channel's result lands here as it arrives, for the denial message. */
  readonly notifications: NotificationResult[]
}

/**
 * Notifies every channel at once, in the background.
 *
 * @remarks Each result is reported to `on_notification` and recorded as a
 * `notified` event; a failure to record it never fails the call. A channel
 * that brings a decision itself (a terminal prompt) votes through the
 * approvals API like any approver. Calls `unreachable` once every channel
 * failed to deliver, so the waiter can stop instead of waiting for nobody.
 */
export function notifyApprovers<A extends unknown[]>(
  airlock: Airlock,
  settings: GuardSettings<A>,
  asked: AskedApproval,
  signal: AbortSignal,
  unreachable: () => void,
): void {
  if (settings.channels.length === 0) return
  const notice = toNotice(asked.approval, settings.definition.description, asked.verdict)
  const runs = settings.channels.map(async (channel) => {
    const result = await notifyOne(airlock, channel, notice, signal)
    asked.notifications.push(result)
    settings.on_notification?.(notice.approval_id, result)
    await airlock.approvals
      .notified(settings.caller, notice.approval_id, {
        channel: result.channel,
        delivered: result.delivered,
        error: result.error,
      })
      .catch(() => undefined)
    return result
  })
  void Promise.all(runs).then((results) => {
    if (results.every((r) => !r.delivered)) unreachable()
  })
}

/** One channel: deliver, and record a decision the channel obtained itself. */
async function notifyOne(
  airlock: Airlock,
  channel: Channel,
  notice: ApprovalNotice,
  signal: AbortSignal,
): Promise<NotificationResult> {
  const base = { channel: channel.name, delivered: false, decision: null, approver: null, error: null }
  let decision: Awaited<ReturnType<Channel['notify']>>
  try {
    decision = await channel.notify(notice, { signal })
  } catch (error) {
    return { ...base, error: error instanceof Error ? error.message : String(error) }
  }
  if (decision === null || signal.aborted) return { ...base, delivered: true }
  const approver = typeof decision.approver === 'string' ? decision.approver : decision.approver.actor_id
  const decide = {
    approver: decision.approver,
    comment: decision.comment ?? null,
    channel: channel.name,
    ...(decision.shown_in_full === undefined ? {} : { shown_in_full: decision.shown_in_full }),
  }
  try {
    if (decision.decision === 'approve') await airlock.approvals.approve(notice.approval_id, decide)
    else await airlock.approvals.reject(notice.approval_id, decide)
    return { ...base, delivered: true, decision: decision.decision, approver, error: null }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    return { ...base, delivered: true, decision: decision.decision, approver, error: message }
  }
}

/** The notice channels show: the approval's redacted inputs and the reason it was held. */
function toNotice(approval: Approval, description: string, verdict: ApprovalVerdict): ApprovalNotice {
  return {
    approval_id: approval.id,
    tenant_id: approval.tenant_id,
    action: approval.action,
    description,
    inputs: display.redact(approval.inputs),
    reason: verdict.hold ? verdict.reason : approval.reason,
    rule: verdict.hold ? verdict.rule : approval.rule,
    risk: approval.effective_risk,
    requester: approval.requester,
    required_approvals: approval.required_approvals,
    created_at: approval.created_at,
    expires_at: approval.expires_at,
  }
}
