/**
 * How the record stage turns what happened into the `Outcome` a caller gets.
 *
 * @module
 */

import { AirlockError } from '../../errors/airlock-error.js'
import { newId } from '../../internal/ids.js'
import type { DeniedOutcome, ExecutedOutcome, FailedOutcome, Outcome } from '../../outcome.js'
import type { WriteOp, WriteResult } from '../../store/store.js'
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
 * What stores a run's outcome under its idempotency key, committed in the
 * transaction of the event that ends the run: the outcome quotes the event
 * (`audit_id`), so neither may be stored without the other, and the pair
 * costs one commit instead of two.
 */
export interface Settlement {
  readonly op: WriteOp
  /** Throws when the op stored nothing (the claim was lost). */
  confirm(result: WriteResult): void
}

/** The settlement of an outcome, or null when the request has no key to settle. */
export type Settle = (outcome: Outcome) => Settlement | null

/**
 * Records the event that ends a run and answers `answer(its id)`; with
 * `settle`, the outcome is stored under the request's key in the same
 * commit.
 */
export async function recordEnd<O extends Outcome>(
  deps: { recorder: Recorder },
  status: 'executed' | 'failed',
  fields: RecordFields,
  answer: (audit_id: string) => O,
  settle?: Settle,
): Promise<O> {
  const id = newId('evt')
  const outcome = answer(id)
  const settlement = settle?.(outcome) ?? null
  if (settlement === null) {
    await deps.recorder.record(status, { ...fields, id })
  } else {
    const { result } = await deps.recorder.recordWith(status, { ...fields, id }, settlement.op)
    settlement.confirm(result)
  }
  return outcome
}

/**
 * Audits a finished run (`executed`, with its result and any execution
 * context) and answers it: the one place both handlers and executors end.
 */
export function recordExecuted(
  deps: { recorder: Recorder },
  ran: { request_id: string; approval_id: string | null; action: string },
  base: RecordFields,
  result: unknown,
  context?: Record<string, unknown>,
  settle?: Settle,
): Promise<ExecutedOutcome> {
  const fields = { ...base, result, ...(context ? { context } : {}) }
  const answer = (audit_id: string): ExecutedOutcome => ({
    status: 'executed',
    request_id: ran.request_id,
    audit_id,
    action: ran.action,
    replayed: false,
    result,
    approval_id: ran.approval_id,
  })
  return recordEnd(deps, 'executed', fields, answer, settle)
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
