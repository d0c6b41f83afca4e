/**
 * Many requests' writes, committed together in PostgreSQL.
 *
 * @remarks Concurrency contract, across any number of replicas: a batch is
 * one transaction, all-or-nothing. Claims and completions take their row
 * locks in key order (ops of one key keep their order), then the events take
 * the one-row chain head, once per batch; every batch takes its locks in
 * that order, so two batches cannot deadlock, and each claim or completion
 * keeps the contract of its single-call method (`postgres-idempotency.ts`).
 *
 * A batch is one call of `airlock_write_batch_linked` (one round trip),
 * which links the events onto the head inside the database, so it can never
 * link onto a head another replica moved: replicas wait for each other's
 * head lock for one statement, and nothing is retried. A failure whose
 * outcome is unknown (the connection died) surfaces as STORE_UNAVAILABLE
 * and is never sent again. `batch: 'transaction'` sends one statement per
 * write between `BEGIN` and `COMMIT`, linking the events in the gateway
 * with the head locked, as replicas did before migration 12.
 *
 * @module
 */
import type { AuditEvent, AuditEventInput } from '../../audit/audit-event.js'
import { AirlockError } from '../../errors/airlock-error.js'
import { ErrorCode } from '../../errors/error-codes.js'
import type { ChainHead } from '../internal/link-batch.js'
import { badRequest } from '../internal/store-error.js'
import { answerAppends, answerUnappended, appendsOf, checkWriteOps } from '../internal/write-ops.js'
import type {
  ClaimResult,
  IdempotencyClaimRequest,
  IdempotencyScope,
  WriteOp,
  WriteResult,
} from '../store.js'
import { appendInTransaction } from './postgres-audit.js'
import { callLinkedBatch, type KeyedOp } from './postgres-batch-call.js'
import { type PostgresConnection, sentByServer } from './postgres-connection.js'
import { idempotencyStatements } from './postgres-idempotency.js'
import type { PostgresPoolClient } from './postgres-store-config.js'

/**
 * How a batch reaches the database: `function`, one call of
 * `airlock_write_batch_linked` (one round trip, the default); `transaction`,
 * one statement per write between `BEGIN` and `COMMIT`, the chain head
 * locked (as before migration 12).
 */
export type PostgresBatchMode = 'function' | 'transaction'

type Sql = ReturnType<typeof idempotencyStatements>

interface IdempotencyRow {
  fingerprint: string
  state: 'in_flight' | 'completed'
  outcome: string | null
}

async function claimWith(client: PostgresPoolClient, sql: Sql, request: IdempotencyClaimRequest) {
  const { tenant_id, action, key, fingerprint, owner, lease_until, now } = request
  const values = [tenant_id, action, key, fingerprint, owner, lease_until, now]
  // The upsert locks the row it conflicted with, even when it did not win,
  // so the read in the same transaction sees the row that beat it.
  const [won] = (await client.query<{ recovered: number }>(sql.claim, values)).rows
  if (won) return { kind: 'claimed', recovered: won.recovered === 1 } satisfies ClaimResult
  const [row] = (await client.query<IdempotencyRow>(sql.select, [tenant_id, action, key])).rows
  if (!row) {
    throw new AirlockError(
      ErrorCode.STORE_ERROR,
      `postgres store: idempotency key ${JSON.stringify(key)} vanished during its claim`,
    )
  }
  return row.state === 'completed'
    ? ({ kind: 'completed', fingerprint: row.fingerprint, outcome: row.outcome ?? '' } satisfies ClaimResult)
    : ({ kind: 'in_flight', fingerprint: row.fingerprint } satisfies ClaimResult)
}

const scopeOf = (op: KeyedOp['op']): IdempotencyScope => (op.kind === 'claim' ? op.request : op.scope)

function lockOrder(a: IdempotencyScope, b: IdempotencyScope): number {
  const x = `${a.tenant_id}\u0000${a.action}\u0000${a.key}`
  const y = `${b.tenant_id}\u0000${b.action}\u0000${b.key}`
  return x < y ? -1 : x > y ? 1 : 0
}

/** The claims and completions of `ops`, in the order their locks are taken. */
function keyedInLockOrder(ops: readonly WriteOp[]): KeyedOp[] {
  const keyed: KeyedOp[] = []
  ops.forEach((op, index) => {
    if (op.kind !== 'append') keyed.push({ op, index })
  })
  return keyed.sort((a, b) => lockOrder(scopeOf(a.op), scopeOf(b.op)) || a.index - b.index)
}

/** The multi-statement path (`batch: 'transaction'`): one statement per write in one transaction, holding the chain head until the commit. */
async function lockedBatch(
  c: PostgresConnection,
  ops: readonly WriteOp[],
  keyed: readonly KeyedOp[],
  results: WriteResult[],
): Promise<ChainHead | null> {
  const sql = idempotencyStatements(c.s)
  return c.transaction('batch', async (client) => {
    for (const { op, index } of keyed) {
      if (op.kind === 'claim')
        results[index] = { kind: 'claim', result: await claimWith(client, sql, op.request) }
      if (op.kind === 'complete') {
        const { scope, owner, outcome, expires_at } = op
        const values = [scope.tenant_id, scope.action, scope.key, owner, outcome, expires_at]
        const done = await client.query(sql.complete, values)
        results[index] = { kind: 'complete', stored: done.rowCount === 1 }
      }
    }
    // Once the claims are answered: only those that took their keys fresh append their events.
    const appends = appendsOf(ops, results)
    const stored = await appendInTransaction(
      client,
      c.s,
      appends.map((a) => a.event),
    )
    answerAppends(appends, stored, results)
    const last = stored.at(-1)
    return last ? { seq: last.seq, hash: last.hash } : null
  })
}

/** The chain head this store last wrote: where the next batch guesses its events will link. */
export interface HeadHint {
  head: ChainHead | null
}

/** Applies `ops` as one transaction; one result per op. */
export async function postgresBatch(
  c: PostgresConnection,
  hint: HeadHint,
  mode: PostgresBatchMode,
  ops: readonly WriteOp[],
): Promise<readonly WriteResult[]> {
  const checked = checkWriteOps(ops)
  if (checked.length === 0) return []
  const keyed = keyedInLockOrder(checked)
  const results: WriteResult[] = new Array(checked.length)
  const sent =
    mode === 'function'
      ? callLinkedBatch(c, checked, keyed, hint.head, results)
      : lockedBatch(c, checked, keyed, results)
  const head = await sent.catch((error: unknown) => {
    throw unlessRolledBack(error)
  })
  // Only forward: a slower batch of this process must not set the hint back.
  if (head !== null && head.seq > (hint.head?.seq ?? -1)) hint.head = head
  answerUnappended(checked, results)
  return results
}

/**
 * A batch's failure as its callers must see it. Only an error the server
 * sent proves the transaction rolled back (the connection's lost-connection
 * codes are already `STORE_UNAVAILABLE`); one raised on this side once the
 * batch may have been sent (the driver's `query_timeout`, a network error
 * not on the known list, an answer that cannot be read) says nothing about
 * whether it committed. Such a batch fails with `STORE_UNAVAILABLE`, which
 * the group-commit writer never sends again: a retry would answer a claim
 * that was taken as held by someone else, or an event that was stored as
 * failed.
 */
function unlessRolledBack(error: unknown): unknown {
  if (AirlockError.isInstance(error) && error.code !== ErrorCode.STORE_ERROR) return error
  if (AirlockError.isInstance(error) && sentByServer(error.cause)) return error
  const detail = error instanceof Error ? error.message : String(error)
  return new AirlockError(
    ErrorCode.STORE_UNAVAILABLE,
    `postgres store: batch: the database did not confirm whether the batch was written (${detail}); it may or may not be stored. Retry the request (with the same Idempotency-Key, if it had one).`,
    { cause: error },
  )
}

/** `AuditStore.append` as a batch of appends: the same one-call path and the same fallback. */
export async function postgresAppend(
  c: PostgresConnection,
  hint: HeadHint,
  mode: PostgresBatchMode,
  inputs: readonly AuditEventInput[],
): Promise<readonly AuditEvent[]> {
  if (!Array.isArray(inputs)) throw badRequest('audit.append: inputs must be an array of audit events')
  const results = await postgresBatch(
    c,
    hint,
    mode,
    inputs.map((event): WriteOp => ({ kind: 'append', event })),
  )
  return results.map((r) => (r as Extract<WriteResult, { kind: 'append' }>).event)
}
