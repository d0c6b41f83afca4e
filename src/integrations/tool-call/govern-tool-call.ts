/**
 * One framework tool call through the pipeline: decide, hold, resume once approved, run once.
 *
 * @module
 */

import { canonicalJson } from '../../audit/canonical-json.js'
import { AirlockError } from '../../errors/airlock-error.js'
import { ErrorCode } from '../../errors/error-codes.js'
import type { Denial } from '../../guard/approval-denied-error.js'
import { type DenialMessage, denialMessage } from '../../guard/denial-message.js'
import type { Airlock, Approval, Outcome, Principal } from '../../index.js'
import { type ToolCallScope, toolCallScope } from './tool-action.js'

/** One tool call as the framework made it. */
export interface ToolCallRequest {
  readonly action: string
  readonly inputs: Record<string, unknown>
  readonly caller: Principal | string
  /** The framework's tool-call id: the idempotency key, so a resumed call finds its approval. */
  readonly call_id: string | null
  /** Runs the framework tool itself (called at most once, and only when the pipeline says so). */
  readonly run: () => Promise<unknown>
  readonly signal?: AbortSignal
}

/** How a governed tool call ended. A failure of the tool itself is thrown, as the framework expects. */
export type ToolCallResult =
  /** It ran: `value` is the tool's own result, or the stored JSON result when it had run before (`replayed`). */
  | { readonly kind: 'ran'; readonly value: unknown; readonly replayed: boolean; readonly outcome: Outcome }
  /** Policy denied it, or a human rejected it, or its approval expired: `message` is for the model. */
  | { readonly kind: 'denied'; readonly denial: Denial; readonly message: DenialMessage }
  /** Waiting for a human. */
  | {
      readonly kind: 'held'
      readonly approval_id: string
      readonly reason: string
      readonly expires_at: string
    }

/**
 * Puts one framework tool call through `execute`, and through
 * `approvals.resume` once its approval is decided.
 *
 * @remarks Calling again with the same `call_id` after a human decided is how
 * a paused run continues: an approved request runs here, exactly once across
 * processes (a second caller gets the stored result); a rejected or expired
 * one comes back denied. Whatever the framework state claims, only Airlock's
 * record of the approval lets the tool run.
 */
export async function governToolCall(airlock: Airlock, request: ToolCallRequest): Promise<ToolCallResult> {
  const scope: ToolCallScope = {
    action: request.action,
    inputs_json: canonicalJson(request.inputs),
    run: request.run,
    settled: null,
  }
  let outcome = await toolCallScope.run(scope, () =>
    airlock.execute(
      request.action,
      { ...request.inputs },
      {
        caller: request.caller,
        idempotency_key: request.call_id,
        ...(request.signal ? { signal: request.signal } : {}),
      },
    ),
  )
  let approval: Approval | null = null
  if (outcome.status === 'pending_approval') {
    approval = await airlock.approvals.get(request.caller, outcome.approval_id)
    if (approval.status === 'pending') {
      return {
        kind: 'held',
        approval_id: approval.id,
        reason: outcome.reason,
        expires_at: outcome.expires_at,
      }
    }
    const id = approval.id
    outcome = await toolCallScope.run(scope, () => airlock.approvals.resume(request.caller, id))
  }
  return toResult(outcome, scope, approval)
}

function toResult(outcome: Outcome, scope: ToolCallScope, approval: Approval | null): ToolCallResult {
  switch (outcome.status) {
    case 'executed':
      return scope.settled?.ok
        ? { kind: 'ran', value: scope.settled.value, replayed: false, outcome }
        : { kind: 'ran', value: outcome.result, replayed: true, outcome }
    case 'failed':
      if (scope.settled && !scope.settled.ok) throw scope.settled.error
      throw new AirlockError(ErrorCode.INTERNAL, `'${outcome.action}' failed: ${outcome.error.message}`, {
        details: { request_id: outcome.request_id, approval_id: outcome.approval_id, error: outcome.error },
      })
    case 'denied': {
      const denial = toDenial(outcome.action, outcome.reason, approval)
      return { kind: 'denied', denial, message: denialMessage(denial) }
    }
    case 'pending_approval':
      return {
        kind: 'held',
        approval_id: outcome.approval_id,
        reason: outcome.reason,
        expires_at: outcome.expires_at,
      }
  }
}

/** The denial for a call whose approval (if any) ended as it did. */
export function toDenial(action: string, reason: string, approval: Approval | null): Denial {
  if (approval?.status === 'rejected') {
    return {
      kind: 'rejected',
      action,
      reason: approval.comment ?? 'no reason given',
      approver: approval.decided_by,
      approval_id: approval.id,
      notifications: [],
    }
  }
  if (approval?.status === 'expired') {
    return { kind: 'expired', action, reason, approver: null, approval_id: approval.id, notifications: [] }
  }
  return {
    kind: 'denied',
    action,
    reason,
    approver: null,
    approval_id: approval?.id ?? null,
    notifications: [],
  }
}
