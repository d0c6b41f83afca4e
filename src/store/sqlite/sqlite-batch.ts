/**
 * Many requests' writes in one SQLite transaction.
 *
 * @remarks Concurrency contract: the whole batch runs inside one
 * `BEGIN IMMEDIATE` transaction, so it holds SQLite's single write lock from
 * its first statement to its commit: each claim, completion and append keeps
 * the contract of its single-call method (`sqlite-idempotency.ts`,
 * `sqlite-audit.ts`) against every other writer in any process, and the
 * batch costs one WAL fsync. Ops run in order, so a claim sees an earlier
 * claim of the same key in the batch; the events are appended after them,
 * in op order, as one linked run of the chain: the appends, and the events
 * of the claims that took their keys fresh.
 *
 * @module
 */

import { answerAppends, answerUnappended, appendsOf, checkWriteOps } from '../internal/write-ops.js'
import type { WriteOp, WriteResult } from '../store.js'
import { appendInTransaction } from './sqlite-audit.js'
import type { SqliteConnection } from './sqlite-connection.js'
import { claimInTransaction, completeInTransaction } from './sqlite-idempotency.js'

/** Applies `ops` in one transaction; one result per op. */
export function sqliteBatch(c: SqliteConnection, ops: readonly WriteOp[]): readonly WriteResult[] {
  const checked = checkWriteOps(ops)
  if (checked.length === 0) return []
  return c.write('batch', () => {
    const results: WriteResult[] = new Array(checked.length)
    for (const [i, op] of checked.entries()) {
      if (op.kind === 'claim') results[i] = { kind: 'claim', result: claimInTransaction(c, op.request) }
      if (op.kind === 'complete') {
        const stored = completeInTransaction(c, op.scope, op.owner, op.outcome, op.expires_at)
        results[i] = { kind: 'complete', stored }
      }
    }
    const appends = appendsOf(checked, results)
    const stored = appendInTransaction(
      c,
      appends.map((a) => a.event),
    )
    answerAppends(appends, stored, results)
    answerUnappended(checked, results)
    return results
  })
}
