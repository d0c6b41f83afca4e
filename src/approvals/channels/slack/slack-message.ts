/**
 * The Block Kit message an approval request becomes.
 *
 * @module
 */
import type { ApprovalNotice } from '../channel.js'
import { displayText, displayValue, noticeArguments } from '../display-text.js'

/** `action_id`s of the two buttons. */
export const APPROVE_ACTION_ID = 'airlock_approve'
export const REJECT_ACTION_ID = 'airlock_reject'

/** Escapes text for Slack mrkdwn (`&`, `<`, `>`; backticks cannot close a code span). */
export function slackEscape(text: string): string {
  return displayText(text, 2800)
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('`', 'ˋ')
}

function argumentLines(inputs: unknown): string {
  const entries = noticeArguments(inputs)
  if (entries.length === 0) return '_(no arguments)_'
  return entries
    .slice(0, 30)
    .map(([k, v]) => `• \`${slackEscape(k)}\` = \`${slackEscape(displayValue(v, 300))}\``)
    .join('\n')
}

/** The message for a new approval request: what, why, the redacted arguments, and Approve / Reject buttons. */
export function approvalMessage(notice: ApprovalNotice): { text: string; blocks: unknown[] } {
  const text = `Approval required: ${slackEscape(notice.action)}`
  const details = [
    `*Action:* \`${slackEscape(notice.action)}\``,
    notice.description ? `*About:* ${slackEscape(notice.description)}` : null,
    `*Why:* ${slackEscape(notice.reason)}`,
    `*Requested by:* ${slackEscape(notice.requester)}`,
    notice.required_approvals > 1 ? `*Needs:* ${notice.required_approvals} distinct approvers` : null,
  ].filter((line) => line !== null)
  return {
    text,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: text.slice(0, 150) } },
      { type: 'section', text: { type: 'mrkdwn', text: details.join('\n') } },
      {
        type: 'section',
        text: { type: 'mrkdwn', text: `*Arguments:*\n${argumentLines(notice.inputs)}`.slice(0, 3000) },
      },
      {
        type: 'context',
        elements: [
          { type: 'mrkdwn', text: `Approval \`${notice.approval_id}\` · expires ${notice.expires_at}` },
        ],
      },
      {
        type: 'actions',
        block_id: 'airlock_decision',
        elements: [
          {
            type: 'button',
            action_id: APPROVE_ACTION_ID,
            style: 'primary',
            text: { type: 'plain_text', text: 'Approve' },
            value: notice.approval_id,
          },
          {
            type: 'button',
            action_id: REJECT_ACTION_ID,
            style: 'danger',
            text: { type: 'plain_text', text: 'Reject' },
            value: notice.approval_id,
          },
        ],
      },
    ],
  }
}
