import { displayText } from '../approvals/channels/display-text.js'
import type { Denial } from './approval-denied-error.js'

/** What a guarded function with `on_denied: 'return'` returns instead of running. */
export type DenialMessage = `DENIED: ${string}`

/**
 * A denial written for the agent that asked: what was blocked, why, and that
 * it must not simply retry. Says honestly whether policy, a person or the
 * clock decided.
 */
export function denialMessage(denial: Denial): DenialMessage {
  const action = `\`${displayText(denial.action, 100)}\``
  const reason = displayText(denial.reason, 500)
  const head =
    denial.kind === 'rejected'
      ? `a human reviewer${denial.approver ? ` (${displayText(denial.approver, 100)})` : ''} rejected ${action}; it was NOT executed. Reviewer note: ${reason}.`
      : denial.kind === 'expired'
        ? `nobody approved ${action} in time; it was NOT executed. ${reason}.`
        : `policy does not allow ${action}; it was NOT executed. Reason: ${reason}.`
  return `DENIED: ${head} Do not retry it unchanged; consider an alternative or ask the user.`
}
