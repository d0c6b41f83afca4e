import type { NotificationResult } from '../approvals/channels/channel.js'
import { AirlockError } from '../errors/airlock-error.js'
import { ErrorCode } from '../errors/error-codes.js'

/** Why a guarded call did not run: policy denied it, a human rejected it, or nobody decided in time. */
export type DenialKind = 'denied' | 'rejected' | 'expired'

/** Details of a denial, kept on {@link ApprovalDeniedError}. */
export interface Denial {
  readonly kind: DenialKind
  readonly action: string
  readonly reason: string
  /** Who rejected it, when a human did. */
  readonly approver: string | null
  /** The approval that was refused or expired; null when policy denied before any was created. */
  readonly approval_id: string | null
  /** How each channel's notification went. */
  readonly notifications: readonly NotificationResult[]
}

/**
 * A guarded call was not allowed to run. The function was not called.
 *
 * @remarks Code `FORBIDDEN`; branch on `kind` to tell a policy deny from a
 * human's rejection and from a timeout.
 */
export class ApprovalDeniedError extends AirlockError {
  readonly kind: DenialKind
  readonly action: string
  readonly reason: string
  readonly approver: string | null
  readonly approval_id: string | null
  readonly notifications: readonly NotificationResult[]

  constructor(denial: Denial, message: string) {
    super(ErrorCode.FORBIDDEN, message, {
      details: {
        kind: denial.kind,
        action: denial.action,
        reason: denial.reason,
        approver: denial.approver,
        approval_id: denial.approval_id,
      },
    })
    this.name = 'ApprovalDeniedError'
    this.kind = denial.kind
    this.action = denial.action
    this.reason = denial.reason
    this.approver = denial.approver
    this.approval_id = denial.approval_id
    this.notifications = denial.notifications
  }
}
