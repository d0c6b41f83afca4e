/**
 * Answer: what a guarded call returns or throws once the pipeline is done
 * with it.
 *
 * @module
 */
import type { NotificationResult } from '../approvals/channels/channel.js'
import { AirlockError } from '../errors/airlock-error.js'
import { ErrorCode } from '../errors/error-codes.js'
import type { Outcome } from '../outcome.js'
import { ApprovalDeniedError, type Denial } from './approval-denied-error.js'
import type { CallScope } from './call-scope.js'
import { type DenialMessage, denialMessage } from './denial-message.js'
import type { GuardSettings } from './guard-options.js'

/** A denial as the wrapper answers it: thrown as {@link ApprovalDeniedError}, or returned with `on_denied: 'return'`. */
export function denyCall<A extends unknown[]>(settings: GuardSettings<A>, denial: Denial): DenialMessage {
  const message = denialMessage(denial)
  if (settings.on_denied === 'return') return message
  throw new ApprovalDeniedError(denial, message)
}

/**
 * The function's own result or error when it ran here; the stored outcome
 * when it ran before (a replay, or another process).
 */
export function finishCall<A extends unknown[]>(
  settings: GuardSettings<A>,
  outcome: Outcome,
  scope: CallScope,
  notifications: readonly NotificationResult[] = [],
): unknown {
  const { name } = settings
  switch (outcome.status) {
    case 'executed':
      return scope.settled?.ok ? scope.settled.value : outcome.result
    case 'failed':
      if (scope.settled && !scope.settled.ok) throw scope.settled.error
      throw new AirlockError(ErrorCode.INTERNAL, `'${name}' failed: ${outcome.error.message}`, {
        details: { request_id: outcome.request_id, approval_id: outcome.approval_id, error: outcome.error },
      })
    case 'denied':
      return denyCall(settings, {
        kind: 'denied',
        action: name,
        reason: outcome.reason,
        approver: null,
        approval_id: null,
        notifications,
      })
    case 'pending_approval':
      throw new AirlockError(ErrorCode.INTERNAL, `'${name}' is unexpectedly still waiting for approval`)
  }
}
