/**
 * How the record stage turns what happened into the `Outcome` a caller gets.
 *
 * @module
 */

import { AirlockError } from '../../errors/airlock-error.js'
import type { DeniedOutcome, ExecutedOutcome, FailedOutcome } from '../../outcome.js'
import type { AuthorizedRequest, RequestContext } from '../request-context.js'
import type { Recorder, RecordFields } from './recorder.js'

export function failedOutcome(
  request_id: string,
  audit_id: string,
  action: string,
  error: { message: string; code: string | null },
  approval_id: string | null,
): FailedOutcome {
  return { status: 'failed', request_id, audit_id, action, replayed: false, error, approval_id }
}

/**
 * Audits a finished run (`executed`, with its result and any execution
 * context) and answers it: the one place both handlers and executors end.
 */
export async function recordExecuted(
  deps: { recorder: Recorder },
  ran: { request_id: string; approval_id: string | null; action: string },
  base: RecordFields,
  result: unknown,
  context?: Record<string, unknown>,
): Promise<ExecutedOutcome> {
  const event = await deps.recorder.record('executed', { ...base, result, ...(context ? { context } : {}) })
  return {
    status: 'executed',
    request_id: ran.request_id,
    audit_id: event.id,
    action: ran.action,
    replayed: false,
    result,
    approval_id: ran.approval_id,
  }
}

export function errorMessage(error: unknown): { message: string; code: string | null } {
  if (AirlockError.isInstance(error)) return { message: error.message, code: error.code }
  if (error instanceof Error) return { message: error.message, code: null }
  return { message: String(error), code: null }
}

/** Audits a denial (`denied`, with the raw inputs, redacted) and answers it. */
export async function recordDenied(
  deps: { recorder: Recorder },
  ctx: RequestContext,
  auth: AuthorizedRequest,
): Promise<DeniedOutcome> {
  const { decision } = auth
  const code = auth.code ?? 'POLICY'
  const event = await deps.recorder.record('denied', {
    request_id: ctx.request_id,
    principal: ctx.principal,
    action: ctx.action,
    idempotency_key: ctx.idempotency_key,
    ticket_id: ctx.ticket_id,
    decision,
    inputs: ctx.inputs,
    context: { code, ...auth.context },
  })
  return {
    status: 'denied',
    request_id: ctx.request_id,
    audit_id: event.id,
    action: ctx.action,
    replayed: false,
    code,
    reason: decision.reason,
    rule: decision.rule,
    issues: decision.param_errors,
    decision,
    ...(auth.retry_after_s === undefined ? {} : { retry_after_s: auth.retry_after_s }),
  }
}
