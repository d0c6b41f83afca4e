/**
 * The contract between a held call and the humans who decide it.
 *
 * @module
 */
import type { Principal } from '../../identity/principal.js'

/** What a channel shows an approver. Inputs are already redacted. */
export interface ApprovalNotice {
  readonly approval_id: string
  readonly tenant_id: string
  readonly action: string
  /** The action's description (a guarded function's, or the one given to `guard`). */
  readonly description: string
  /** The call's inputs, redacted by the pipeline before they left it. */
  readonly inputs: unknown
  /** Why the call was held (the rule's reason). */
  readonly reason: string
  readonly rule: string | null
  readonly risk: string
  readonly requester: string
  /** Distinct approvals needed. */
  readonly required_approvals: number
  readonly created_at: string
  readonly expires_at: string
}

/** A decision a channel obtained directly (a terminal prompt, for instance). */
export interface ChannelDecision {
  readonly decision: 'approve' | 'reject'
  /** Who decided. The pipeline applies the usual rules to them: no self-approval, approver roles. */
  readonly approver: Principal | string
  readonly comment?: string | null
  /**
   * False when the channel could not show the whole request (arguments left
   * out or cut). With `approvals.require_full_view`, such an approval is refused.
   */
  readonly shown_in_full?: boolean
}

/** Per-notification options. */
export interface NotifyOptions {
  /** Aborted once the approval is decided or the wait ends, so a prompt can stop asking. */
  readonly signal: AbortSignal
}

/**
 * Somewhere approvers learn about a held call.
 *
 * @remarks `notify` resolves with a decision when the channel can obtain one
 * itself (the terminal asks and waits), or with `null` once the notice is
 * delivered and the decision will arrive another way (Slack buttons, the
 * gateway's approve endpoint, `airlock approval approve`). It rejects when the
 * notice could not be delivered; when every channel fails, the call is denied
 * at once rather than waiting for a decision nobody was asked for.
 */
export interface Channel {
  /** Recorded with each notification, e.g. `terminal`, `webhook`, `slack`. */
  readonly name: string
  notify(notice: ApprovalNotice, options: NotifyOptions): Promise<ChannelDecision | null>
}

/** How one notification went; kept on the guard's results and errors. */
export interface NotificationResult {
  readonly channel: string
  readonly delivered: boolean
  /** The decision the channel obtained, if any. */
  readonly decision: 'approve' | 'reject' | null
  /** Who decided through this channel, when it did. */
  readonly approver: string | null
  /** Why delivery failed, or why the channel's decision was not accepted. */
  readonly error: string | null
}
