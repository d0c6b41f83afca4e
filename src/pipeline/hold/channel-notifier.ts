/**
 * Tells every configured channel about a held request, in the background,
 * and applies a decision a channel obtained itself (an interactive Slack
 * message, a terminal prompt) as any other decision would be.
 *
 * Writes: a `notified` event per channel, then whatever the decision leads to.
 * Guarantees: the caller of `execute` is never delayed by a channel; `drain`
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

export function createChannelNotifier(deps: NotifierDeps): ChannelNotifier {
  const deliveries = new Set<Promise<void>>()
  return {
    notify(approval, description) {
      for (const channel of deps.channels) {
        const delivery = deliver(deps, channel, approval, description).finally(() =>
          deliveries.delete(delivery),
        )
        deliveries.add(delivery)
      }
    },
    drain: async () => {
      await Promise.all(deliveries)
    },
  }
}
