/**
 * What every backend's `batch` shares: checking the ops before a transaction
 * opens, and an in-order fallback over the single-call methods.
 *
 * @module
 */
import type { AuditEvent, AuditEventInput } from '../../audit/audit-event.js'
import { AirlockError } from '../../errors/airlock-error.js'
import { ErrorCode } from '../../errors/error-codes.js'
import type { AuditStore, ClaimResult, IdempotencyStore, WriteOp, WriteResult } from '../store.js'
import { isoTime } from './iso-time.js'
import { badRequest } from './store-error.js'

/**
 * Checks every op and normalises its times, so a bad op fails the batch
 * before anything is written (a batch is all-or-nothing).
 *
 * @throws AirlockError `BAD_REQUEST` naming the op's position and field.
 */
export function checkWriteOps(ops: readonly WriteOp[]): readonly WriteOp[] {
  if (!Array.isArray(ops)) throw badRequest('store.batch: ops must be an array of write ops')
  return ops.map((op, i): WriteOp => {
    const at = (field: string) => `store.batch: ops[${i}].${field}`
    switch (op?.kind) {
      case 'append':
        if (typeof op.event !== 'object' || op.event === null)
          throw badRequest(`${at('event')} must be an object`)
        return op
      case 'claim':
        if (typeof op.request !== 'object' || op.request === null)
          throw badRequest(`${at('request')} must be an object`)
        if (op.event !== undefined && (typeof op.event !== 'object' || op.event === null))
          throw badRequest(`${at('event')} must be an object or absent`)
        return {
          ...op,
          request: {
            ...op.request,
            now: isoTime(op.request.now, at('request.now')),
            lease_until: isoTime(op.request.lease_until, at('request.lease_until')),
          },
        }
      case 'complete':
        if (typeof op.outcome !== 'string') throw badRequest(`${at('outcome')} must be serialised JSON text`)
        return {
          ...op,
          now: isoTime(op.now, at('now')),
          expires_at: isoTime(op.expires_at, at('expires_at')),
        }
      default:
        throw badRequest(
          `store.batch: ops[${i}].kind must be 'claim', 'append' or 'complete', got ${JSON.stringify((op as { kind?: unknown } | null)?.kind)}`,
        )
    }
  })
}

/** Whether a claim took its key fresh: the only answer under which the event it carries is appended. */
function takesFresh(result: ClaimResult): boolean {
  return result.kind === 'claimed' && !result.recovered
}

/** One audit event of a batch and the op it answers. */
export interface IndexedAppend {
  readonly index: number
  readonly event: AuditEventInput
}

/**
 * The audit events of a batch, in op order, with the op index each answers:
 * every append and, once the claims are answered (`results`), the event of
 * each claim that took its key fresh. Without `results`, every claim's event
 * is counted, as if each took its key fresh.
 */
export function appendsOf(
  ops: readonly WriteOp[],
  results?: readonly (WriteResult | undefined)[],
): IndexedAppend[] {
  const appends: IndexedAppend[] = []
  ops.forEach((op, index) => {
    if (op.kind === 'append') appends.push({ index, event: op.event })
    if (op.kind === 'claim' && op.event !== undefined) {
      const answer = results?.[index]
      if (answer === undefined || (answer.kind === 'claim' && takesFresh(answer.result)))
        appends.push({ index, event: op.event })
    }
  })
  return appends
}

/** Puts the stored events into the results: an append's result, or the `event` of the claim that carried it. */
export function answerAppends(
  appends: readonly IndexedAppend[],
  stored: readonly AuditEvent[],
  results: WriteResult[],
): void {
  appends.forEach((a, i) => {
    const event = stored[i]!
    const answer = results[a.index]
    results[a.index] = answer?.kind === 'claim' ? { ...answer, event } : { kind: 'append', event }
  })
}

/** Answers `event: null` for each claim whose event was not appended (it did not take its key fresh). */
export function answerUnappended(ops: readonly WriteOp[], results: WriteResult[]): void {
  ops.forEach((op, i) => {
    const answer = results[i]
    if (
      op.kind === 'claim' &&
      op.event !== undefined &&
      answer?.kind === 'claim' &&
      answer.event === undefined
    )
      results[i] = { ...answer, event: null }
  })
}

/**
 * `batch` over the single-call methods, for a store without transactions
 * (memory) or a custom one. The events go first, in one append, since that
 * is the only op that can still fail once the ops are checked; claims and
 * completions then run in op order, and last the events of the claims that
 * took their keys fresh.
 *
 * @remarks This is what keeps such a batch all-or-nothing, as group-commit
 * units (an event and the outcome that names it) rely on: every op is
 * checked before anything is written, and nothing after the first append
 * can fail, except the append of claims' events (a repeated event id): then
 * those claims are released, so no run follows them, and the batch fails
 * with `STORE_UNAVAILABLE`, which the group-commit writer never retries,
 * since its other ops were applied. A custom store whose claims or
 * completions can fail must give `batch` a transaction of its own.
 */
export async function sequentialBatch(
  parts: { readonly idempotency: IdempotencyStore; readonly audit: AuditStore },
  ops: readonly WriteOp[],
): Promise<readonly WriteResult[]> {
  const checked = checkWriteOps(ops)
  const results: WriteResult[] = new Array(checked.length)
  const appends = appendsOf(checked).filter((a) => checked[a.index]!.kind === 'append')
  if (appends.length > 0)
    answerAppends(appends, await parts.audit.append(appends.map((a) => a.event)), results)
  for (const [i, op] of checked.entries()) {
    if (op.kind === 'claim') results[i] = { kind: 'claim', result: await parts.idempotency.claim(op.request) }
    if (op.kind === 'complete') {
      const stored = await parts.idempotency.complete(op.scope, op.owner, op.outcome, op.expires_at, op.now)
      results[i] = { kind: 'complete', stored }
    }
  }
  const carried = appendsOf(checked, results).filter((a) => checked[a.index]!.kind === 'claim')
  try {
    const stored = carried.length > 0 ? await parts.audit.append(carried.map((a) => a.event)) : []
    answerAppends(carried, stored, results)
    answerUnappended(checked, results)
  } catch (error) {
    for (const { index } of carried) {
      const { request } = checked[index] as Extract<WriteOp, { kind: 'claim' }>
      const { tenant_id, action, key, owner } = request
      await parts.idempotency.release({ tenant_id, action, key }, owner).catch(() => undefined)
    }
    throw new AirlockError(
      ErrorCode.STORE_UNAVAILABLE,
      `store.batch: the events of ${carried.length} claim(s) could not be appended, so those claims were released; the batch's other writes were applied`,
      { cause: error },
    )
  }
  return results
}
