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
 * A batch is first one call of `airlock_write_batch2` (one round trip), its
 * events linked onto the head this store last saw. If another writer moved
 * the head meanwhile, the call fails having written nothing, and the batch is
 * linked onto the head it reports and tried once more; if that head moved
 * too, the batch runs on the locked path: one transaction that locks the
 * keys (one call), then holds the head (`SELECT … FOR UPDATE`) from reading
 * it to the commit, which cannot lose. A store that lost the head takes the
 * locked path directly for a second, then guesses again. So the chain stays one line however many replicas write, and under
 * no contention a batch costs one round trip. A failure whose outcome is
 * unknown (the connection died) is never retried here: it surfaces as
 * STORE_UNAVAILABLE.
 *
 * @module
 */
import type { AuditEvent, AuditEventInput } from '../../audit/audit-event.js'
import { AirlockError } from '../../errors/airlock-error.js'
import { ErrorCode } from '../../errors/error-codes.js'
import { type ChainHead, EMPTY_HEAD } from '../internal/link-batch.js'
import { badRequest } from '../internal/store-error.js'
import {
  answerAppends,
  answerUnappended,
  appendsOf,
  checkWriteOps,
  type IndexedAppend,
} from '../internal/write-ops.js'
import type {
  ClaimResult,
  IdempotencyClaimRequest,
  IdempotencyScope,
  WriteOp,
  WriteResult,
} from '../store.js'
import { appendInTransaction } from './postgres-audit.js'
import {
  callWriteBatch,
  clientRunner,
  isClaimNotFresh,
  isHeadMoved,
  type KeyedOp,
  movedTo,
  poolRunner,
} from './postgres-batch-call.js'
import type { PostgresConnection } from './postgres-connection.js'
import { idempotencyStatements } from './postgres-idempotency.js'
import type { PostgresPoolClient } from './postgres-store-config.js'

/**
 * How a batch reaches the database: `function`, one call of
 * `airlock_write_batch2` (one round trip, the default); `transaction`, one
 * statement per write between `BEGIN` and `COMMIT`, the chain head locked (as
 * before migration 12).
 */
export type PostgresBatchMode = 'function' | 'transaction'

/** The chain head this store last wrote or saw: where the next batch links its events. */
export interface HeadHint {
  head: ChainHead | null
  /** Until when (epoch ms) batches with events go straight to the locked path: another writer is busy. */
  lockedUntil?: number
}

// After losing the head to another writer, a store stops guessing for this
// long: while replicas write side by side, almost every guess loses, and a
// lost call is wasted work on both sides. Then it guesses again.
const CONTENDED_MS = 1_000

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

/**
 * The locked path over the function, in one transaction: the claims and
 * completions in one call (their keys locked first, as everywhere), then the
 * chain head locked and read, then the events linked onto it in a second
 * call. Five round trips whatever the batch holds, and the head cannot move
 * between its read and the commit. The events are chosen once the claims
 * are answered, so a claim appends its event only if it took its key fresh.
 */
async function lockedCall(
  c: PostgresConnection,
  ops: readonly WriteOp[],
  keyed: readonly KeyedOp[],
  results: WriteResult[],
): Promise<ChainHead | null> {
  return c.transaction('batch', async (client) => {
    const run = clientRunner(c.s, client)
    if (keyed.length > 0) await callWriteBatch(run, keyed, [], EMPTY_HEAD, results)
    const appends = appendsOf(ops, results)
    if (appends.length === 0) return null
    const [row] = (
      await client.query<{ seq: string; hash: string }>(
        `SELECT seq, hash FROM ${c.s}.airlock_audit_head WHERE id = 1 FOR UPDATE`,
      )
    ).rows
    if (!row) throw new AirlockError(ErrorCode.STORE_ERROR, 'postgres store: the audit head row is missing')
    return callWriteBatch(run, [], appends, { seq: Number(row.seq), hash: row.hash }, results)
  })
}

async function currentHead(c: PostgresConnection): Promise<ChainHead> {
  const [row] = await c.query<{ seq: string; hash: string }>(
    'batch',
    `SELECT seq, hash FROM ${c.s}.airlock_audit_head WHERE id = 1`,
  )
  if (!row) throw new AirlockError(ErrorCode.STORE_ERROR, 'postgres store: the audit head row is missing')
  return { seq: Number(row.seq), hash: row.hash }
}

/**
 * Tries the one-call path twice (the hinted head, then the head the conflict
 * reported), every claim's event linked as if it took its key fresh; `false`
 * if both lost the head or a claim carrying an event did not take its key.
 */
async function optimisticBatch(
  c: PostgresConnection,
  hint: HeadHint,
  keyed: readonly KeyedOp[],
  appends: readonly IndexedAppend[],
  results: WriteResult[],
): Promise<ChainHead | false> {
  // A batch without events never reads the head: any value will do.
  let head = hint.head ?? (appends.length > 0 ? await currentHead(c) : EMPTY_HEAD)
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      return await callWriteBatch(poolRunner(c), keyed, appends, head, results)
    } catch (error) {
      // Rare (a retried or concurrent key): the locked path answers the claims before it links events.
      if (isClaimNotFresh(error)) return false
      if (!isHeadMoved(error)) throw error
      hint.lockedUntil = Date.now() + CONTENDED_MS
      const reported = movedTo(error)
      if (!reported) return false
      head = reported
    }
  }
  return false
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
  // As if every claim took its key fresh; the locked path chooses again once the claims are answered.
  const appends = appendsOf(checked)
  const results: WriteResult[] = new Array(checked.length)
  const contended = appends.length > 0 && Date.now() < (hint.lockedUntil ?? 0)
  const guess = mode === 'function' && !contended
  const done = guess ? await optimisticBatch(c, hint, keyed, appends, results) : false
  const locked = mode === 'function' ? lockedCall : lockedBatch
  const head = done === false ? await locked(c, checked, keyed, results) : done
  // Only forward: a slower batch of this process must not set the hint back.
  // A batch linked no events (assumed: none were written) leaves the hint as it was.
  if (appends.length > 0 && head && head.seq > (hint.head?.seq ?? -1)) hint.head = head
  answerUnappended(checked, results)
  return results
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
