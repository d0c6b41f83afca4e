/**
 * `resumeMessages()`: turns Airlock's decisions into the AI SDK's
 * `tool-approval-response` parts, so a stored conversation can be resumed.
 *
 * @module
 */
import type { Approval } from '../../index.js'
import type { AiSdkMessage, ToolApprovalResponsePart } from './ai-sdk-types.js'
import { type AiSdkAirlockOptions, actionFor } from './tool-gate.js'

/** A `tool-approval-request` still waiting for its response. */
export interface OpenApprovalRequest {
  /** The AI SDK's approval id. */
  readonly approval_id: string
  readonly tool_call_id: string
  readonly tool_name: string
  /** The Airlock approval bound to the call, or null when Airlock holds none for it. */
  readonly airlock_approval: Approval | null
}

/** What {@link resumeMessages} found. `M` is the caller's message type (the SDK's `ModelMessage`). */
export interface ResumeResult<M extends AiSdkMessage = AiSdkMessage> {
  /**
   * True when every open request has an Airlock decision: `messages` then
   * ends with one `tool` message carrying a response for each.
   */
  readonly ready: boolean
  /** The conversation to re-invoke the agent with (unchanged unless `ready`). */
  readonly messages: M[]
  readonly responses: readonly ToolApprovalResponsePart[]
  /** Requests Airlock has not decided yet (or holds no approval for). */
  readonly waiting: readonly OpenApprovalRequest[]
}

type Part = Record<string, unknown>

function partsOf(message: AiSdkMessage): Part[] {
  return Array.isArray(message.content)
    ? (message.content as unknown[]).filter((p): p is Part => typeof p === 'object' && p !== null)
    : []
}

/** Approval requests that have neither a response nor a tool result yet. */
function openRequests(
  messages: readonly AiSdkMessage[],
): { approval_id: string; tool_call_id: string; tool_name: string }[] {
  const toolNames = new Map<string, string>()
  const requests: { approval_id: string; tool_call_id: string }[] = []
  const answered = new Set<string>()
  for (const message of messages) {
    for (const part of partsOf(message)) {
      if (
        part.type === 'tool-call' &&
        typeof part.toolCallId === 'string' &&
        typeof part.toolName === 'string'
      )
        toolNames.set(part.toolCallId, part.toolName)
      else if (part.type === 'tool-approval-request' && part.isAutomatic !== true)
        requests.push({ approval_id: String(part.approvalId), tool_call_id: String(part.toolCallId) })
      else if (part.type === 'tool-approval-response') answered.add(`approval:${String(part.approvalId)}`)
      else if (part.type === 'tool-result') answered.add(`call:${String(part.toolCallId)}`)
    }
  }
  return requests
    .filter((r) => !answered.has(`approval:${r.approval_id}`) && !answered.has(`call:${r.tool_call_id}`))
    .map((r) => ({ ...r, tool_name: toolNames.get(r.tool_call_id) ?? '' }))
}

/**
 * The Airlock approvals held for these tool calls, by call id: the caller's
 * own, for the call's action, keyed by the tool-call id (newest first, so a
 * recent conversation is found within the first pages).
 */
async function approvalsFor(
  options: AiSdkAirlockOptions,
  wanted: ReadonlyMap<string, string>,
): Promise<Map<string, Approval>> {
  const actor = typeof options.caller === 'string' ? options.caller : options.caller.actor_id
  const found = new Map<string, Approval>()
  let cursor: string | null = null
  do {
    const page = await options.airlock.approvals.list(options.caller, { limit: 200, cursor })
    for (const approval of page.items) {
      const key = approval.idempotency_key
      if (key === null || found.has(key) || approval.requester !== actor) continue
      if (wanted.get(key) === approval.action) found.set(key, approval)
    }
    cursor = page.next_cursor
  } while (cursor !== null && found.size < wanted.size)
  return found
}

function responseFor(approvalId: string, approval: Approval): ToolApprovalResponsePart | null {
  switch (approval.status) {
    case 'pending':
      return null
    case 'rejected':
      return {
        type: 'tool-approval-response',
        approvalId,
        approved: false,
        reason: `Rejected by ${approval.decided_by ?? 'an approver'}${approval.comment ? `: ${approval.comment}` : ''}`,
      }
    case 'expired':
      return {
        type: 'tool-approval-response',
        approvalId,
        approved: false,
        reason: 'Nobody approved it in time',
      }
    default:
      // approved, executing, executed, failed: a human approved; the governed `execute` runs it once (or replays).
      return { type: 'tool-approval-response', approvalId, approved: true }
  }
}

/**
 * The messages to resume a stored conversation with, once Airlock's
 * approvals for its open `tool-approval-request`s are decided (from the
 * dashboard, Slack, the CLI or the HTTP API, by anyone allowed to).
 *
 * @remarks Responses are derived from Airlock's records only, for the
 * caller's own approvals bound to each call id and tool; the client's own
 * view of what was approved is never consulted. Until every open request
 * is decided, nothing is appended (`ready: false`).
 */
export async function resumeMessages<M extends AiSdkMessage>(
  messages: readonly M[],
  options: AiSdkAirlockOptions,
): Promise<ResumeResult<M>> {
  const open = openRequests(messages)
  const wanted = new Map(
    open.filter((r) => r.tool_name !== '').map((r) => [r.tool_call_id, actionFor(options, r.tool_name)]),
  )
  const approvals = wanted.size > 0 ? await approvalsFor(options, wanted) : new Map<string, Approval>()
  const responses: ToolApprovalResponsePart[] = []
  const waiting: OpenApprovalRequest[] = []
  for (const request of open) {
    const approval = approvals.get(request.tool_call_id) ?? null
    const response = approval ? responseFor(request.approval_id, approval) : null
    if (response) responses.push(response)
    else waiting.push({ ...request, airlock_approval: approval })
  }
  const ready = waiting.length === 0 && responses.length > 0
  return {
    ready,
    // The appended message is a `tool` message of `tool-approval-response` parts, a ModelMessage of both SDK lines.
    messages: ready ? [...messages, { role: 'tool', content: responses } as unknown as M] : [...messages],
    responses,
    waiting,
  }
}
