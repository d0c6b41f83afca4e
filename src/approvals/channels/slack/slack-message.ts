/**
 * The Block Kit message an approval request becomes.
 *
 * @module
 */
import type { ApprovalNotice } from '../channel.js'
import { argumentView, displayText, truncationNotice } from '../display-text.js'

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

const MAX_ARGUMENTS = 30
const MAX_VALUE_CHARS = 300
// Room the truncation notice needs inside Slack's 3000-character section.
const ARGUMENTS_BUDGET = 2500

function argumentLines(inputs: unknown): { text: string; complete: boolean } {
  const view = argumentView(inputs, MAX_ARGUMENTS, MAX_VALUE_CHARS)
  if (view.entries.length === 0 && view.hidden === 0) return { text: '_(no arguments)_', complete: true }
  const lines = view.entries.map(([k, v]) => `• \`${slackEscape(k)}\` = \`${slackEscape(v)}\``)
  if (view.hidden > 0) lines.push(`… ${view.hidden} more`)
  const text = lines.join('\n')
  if (text.length <= ARGUMENTS_BUDGET) return { text, complete: !view.truncated }
  return { text: `${text.slice(0, ARGUMENTS_BUDGET - 1)}…`, complete: false }
}

/** Whether a Slack message shows these inputs whole (no argument left out, no value cut). */
export function slackShowsInFull(inputs: unknown): boolean {
  return argumentLines(inputs).complete
}

/** The message for a new approval request: what, why, the redacted arguments, and Approve / Reject buttons. */
export function approvalMessage(notice: ApprovalNotice): { text: string; blocks: unknown[] } {
  const text = `Approval required: ${slackEscape(notice.action)}`
  const shown = argumentLines(notice.inputs)
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
        text: { type: 'mrkdwn', text: `*Arguments:*\n${shown.text}` },
      },
      ...(shown.complete
        ? []
        : [
            {
              type: 'context',
              elements: [
                {
                  type: 'mrkdwn',
                  text: `:warning: ${slackEscape(truncationNotice(notice.approval_id, notice.inputs))}`,
                },
              ],
            },
          ]),
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
