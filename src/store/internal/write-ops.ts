/**
 * What every backend's `batch` shares: checking the ops before a transaction
 * opens, and an in-order fallback over the single-call methods.
 *
 * @module
 */
import type { AuditEventInput } from '../../audit/audit-event.js'
import type { AuditStore, IdempotencyStore, WriteOp, WriteResult } from '../store.js'
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
        return {
          kind: 'claim',
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

/** The audit events of a batch, in op order, with the op index each answers. */
export function appendsOf(ops: readonly WriteOp[]): { index: number; event: AuditEventInput }[] {
  const appends: { index: number; event: AuditEventInput }[] = []
  ops.forEach((op, index) => {
    if (op.kind === 'append') appends.push({ index, event: op.event })
  })
  return appends
}

/**
 * `batch` over the single-call methods, for a store without transactions
 * (memory) or a custom one. The events go first, in one append, since that
 * is the only op that can still fail once the ops are checked; claims and
 * completions then run in op order.
 *
 * @remarks This is what keeps such a batch all-or-nothing, as group-commit
 * units (an event and the outcome that names it) rely on: every op is
 * checked before anything is written, and nothing after the append can
 * fail. A custom store whose claims or completions can fail must give
 * `batch` a transaction of its own.
 */
export async function sequentialBatch(
  parts: { readonly idempotency: IdempotencyStore; readonly audit: AuditStore },
  ops: readonly WriteOp[],
): Promise<readonly WriteResult[]> {
  const checked = checkWriteOps(ops)
  const results: WriteResult[] = new Array(checked.length)
  const appends = appendsOf(checked)
  if (appends.length > 0) {
    const stored = await parts.audit.append(appends.map((a) => a.event))
    appends.forEach((a, i) => {
      results[a.index] = { kind: 'append', event: stored[i]! }
    })
  }
  for (const [i, op] of checked.entries()) {
    if (op.kind === 'claim') results[i] = { kind: 'claim', result: await parts.idempotency.claim(op.request) }
    if (op.kind === 'complete') {
      const stored = await parts.idempotency.complete(op.scope, op.owner, op.outcome, op.expires_at, op.now)
      results[i] = { kind: 'complete', stored }
    }
  }
  return results
}
