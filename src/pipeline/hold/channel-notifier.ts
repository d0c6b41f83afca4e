/**
 * Tells every configured channel about a held request, in the background,
 * and applies a decision a channel obtained itself (an interactive Slack
 * message, a terminal prompt) as any other decision would be.
 *
 * Writes: the approval's notice claim, a `notified` event per channel, then
 * whatever the decision leads to.
 * Guarantees: channels hear of an approval at most once, however many
 * replicas are asked to tell them (the store's notice claim picks one; a
 * process dying between the claim and the delivery loses that notice, and
 * the missing `notified` event shows it). The caller of `execute` is never
 * delayed by a channel; `drain`
 * waits for deliveries in flight, so `close()` does not pull the store out
 * from under them. A channel's failure is recorded, never thrown.
 *
 * @module
 */
import type { ApprovalNotice, Channel } from '../../approvals/channels/channel.js'
import type { Approval } from '../../store/store.js'
import type { DecideApprovalOptions, NotificationReport } from '../pipeline-types.js'
import { errorMessage } from '../record/outcomes.js'

export interface ChannelNotifier {
  notify(approval: Approval, description: string): void
  drain(): Promise<void>
}

export interface NotifierDeps {
  readonly channels: readonly Channel[]
  /** Takes the one right to notify about `approval` (see `ApprovalStore.claimNotice`). */
  readonly claim: (approval: Approval) => Promise<boolean>
  readonly recordNotified: (approval: Approval, report: NotificationReport) => Promise<void>
  /** Applies a decision a channel brought back. */
  readonly decide: (
    id: string,
    verdict: 'approve' | 'reject',
    options: DecideApprovalOptions,
  ) => Promise<unknown>
}

function noticeOf(approval: Approval, description: string): ApprovalNotice {
  return {
    approval_id: approval.id,
    tenant_id: approval.tenant_id,
    action: approval.action,
    description,
    inputs: approval.inputs,
    reason: approval.reason,
    rule: approval.rule,
    risk: approval.effective_risk,
    requester: approval.requester,
    required_approvals: approval.required_approvals,
    created_at: approval.created_at,
    expires_at: approval.expires_at,
  }
}

async function deliver(
  deps: NotifierDeps,
  channel: Channel,
  approval: Approval,
  description: string,
): Promise<void> {
  let report: NotificationReport
  let decision: Awaited<ReturnType<Channel['notify']>> = null
  try {
    decision = await channel.notify(noticeOf(approval, description), { signal: AbortSignal.timeout(60_000) })
    report = { channel: channel.name, delivered: true }
  } catch (error) {
    report = { channel: channel.name, delivered: false, error: errorMessage(error).message }
  }
  await deps.recordNotified(approval, report).catch(() => undefined)
  if (!decision) return
  const options = {
    approver: decision.approver,
    comment: decision.comment ?? null,
    channel: channel.name,
    ...(decision.shown_in_full === undefined ? {} : { shown_in_full: decision.shown_in_full }),
  }
  // Refusals (self-approval, missing role, already decided) are the channel's answer to live with.
  await deps.decide(approval.id, decision.decision, options).catch(() => undefined)
}

async function deliverOnce(deps: NotifierDeps, approval: Approval, description: string): Promise<void> {
  // A store that cannot be asked cannot promise once: stay silent rather than risk a second notice.
  if (!(await deps.claim(approval).catch(() => false))) return
  await Promise.all(deps.channels.map((channel) => deliver(deps, channel, approval, description)))
}

export function createChannelNotifier(deps: NotifierDeps): ChannelNotifier {
  const deliveries = new Set<Promise<void>>()
  return {
    notify(approval, description) {
      if (deps.channels.length === 0) return
      const delivery = deliverOnce(deps, approval, description).finally(() => deliveries.delete(delivery))
      deliveries.add(delivery)
    },
    drain: async () => {
      await Promise.all(deliveries)
    },
  }
}
