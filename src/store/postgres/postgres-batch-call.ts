/**
 * One batch as one call of `airlock_write_batch2` (migration 13): the
 * claims, completions and linked audit rows travel as one JSON document and
 * come back as one result array, in one round trip.
 *
 * @module
 */
import { AirlockError } from '../../errors/airlock-error.js'
import { ErrorCode } from '../../errors/error-codes.js'
import { type ChainHead, type LinkedEvent, linkBatch } from '../internal/link-batch.js'
import { auditRowValues } from '../internal/sql-query.js'
import { answerAppends, type IndexedAppend } from '../internal/write-ops.js'
import type { ClaimResult, WriteOp, WriteResult } from '../store.js'
import { type PostgresConnection, sqlState } from './postgres-connection.js'
import type { PostgresPoolClient } from './postgres-store-config.js'
import {
  CLAIM_NOT_FRESH_SQLSTATE,
  HEAD_MOVED_SQLSTATE,
  WRITE_BATCH_FUNCTION,
} from './write-batch-function.js'

/** A claim or completion of a batch, with its position among the batch's ops. */
export interface KeyedOp {
  readonly op: Extract<WriteOp, { kind: 'claim' | 'complete' }>
  readonly index: number
}

// Names of the record the function reads each event row as, in `auditRowValues` order.
const EVENT_FIELDS = [
  'seq',
  'id',
  'ts',
  'tenant_id',
  'request_id',
  'status',
  'action',
  'actor',
  'decision',
  'approval_id',
  'body',
  'prev_hash',
  'hash',
] as const

function eventRow(linked: LinkedEvent): Record<string, unknown> {
  const values = auditRowValues(linked)
  return Object.fromEntries(EVENT_FIELDS.map((field, i) => [field, values[i]]))
}

/** A claim or completion as the function reads it; `linked`: the claim's event is among the call's events. */
function keyedPayload({ op }: KeyedOp, linked: boolean): Record<string, unknown> {
  if (op.kind === 'claim') return { kind: 'claim', ...op.request, ...(linked ? { with_event: true } : {}) }
  const { scope, owner, outcome, expires_at } = op
  return { kind: 'complete', ...scope, owner, outcome, expires_at }
}

type KeyedAnswer = ClaimResult | { readonly stored: boolean }

function answers(value: unknown, expected: number): readonly KeyedAnswer[] {
  const parsed = typeof value === 'string' ? (JSON.parse(value) as unknown) : value
  if (!Array.isArray(parsed) || parsed.length !== expected) {
    throw new AirlockError(
      ErrorCode.STORE_ERROR,
      `postgres store: ${WRITE_BATCH_FUNCTION} answered ${Array.isArray(parsed) ? parsed.length : 'no'} results for ${expected} ops`,
    )
  }
  return parsed as KeyedAnswer[]
}

/** Where a call runs: the pool (its own transaction) or a connection inside one; `s` is the quoted schema. */
export interface BatchRunner {
  readonly s: string
  query<R>(text: string, values: unknown[]): Promise<R[]>
}

/** The pool as a {@link BatchRunner}: each call is its own transaction, errors classified by the connection. */
export function poolRunner(c: PostgresConnection): BatchRunner {
  return { s: c.s, query: (text, values) => c.query('batch', text, values) }
}

/** A connection inside a transaction as a {@link BatchRunner}. */
export function clientRunner(s: string, client: PostgresPoolClient): BatchRunner {
  return {
    s,
    query: async <R>(text: string, values: unknown[]) => (await client.query<R>(text, values)).rows,
  }
}

/**
 * Applies the batch in one call, its events linked onto `head`; returns one
 * result per op (by op index) and the head the events left.
 *
 * @throws the store error wrapping SQLSTATE `AL001` when the head moved
 * (see {@link isHeadMoved}), or `AL002` when a claim whose event is among
 * `appends` did not take its key fresh ({@link isClaimNotFresh}); nothing
 * was written then.
 */
export async function callWriteBatch(
  c: BatchRunner,
  keyed: readonly KeyedOp[],
  appends: readonly IndexedAppend[],
  head: ChainHead,
  results: WriteResult[],
): Promise<ChainHead> {
  const linked =
    appends.length > 0
      ? linkBatch(
          head,
          appends.map((a) => a.event),
        )
      : []
  const last = linked.at(-1)?.event
  const carried = new Set(appends.map((a) => a.index))
  const payload = {
    ops: keyed.map((k) => keyedPayload(k, carried.has(k.index))),
    events: linked.map(eventRow),
    from: head,
    to: last ? { seq: last.seq, hash: last.hash } : head,
  }
  const [row] = await c.query<{ results: unknown }>(
    `SELECT ${c.s}.${WRITE_BATCH_FUNCTION}($1::jsonb) AS results`,
    [JSON.stringify(payload)],
  )
  answers(row?.results, keyed.length).forEach((answer, i) => {
    const { op, index } = keyed[i]!
    results[index] =
      op.kind === 'claim'
        ? { kind: 'claim', result: answer as ClaimResult }
        : { kind: 'complete', stored: (answer as { stored: boolean }).stored === true }
  })
  answerAppends(
    appends,
    linked.map((l) => l.event),
    results,
  )
  return last ? { seq: last.seq, hash: last.hash } : head
}

/** Whether `error` says the batch was linked onto a stale chain head (SQLSTATE `AL001`): nothing was written. */
export function isHeadMoved(error: unknown): boolean {
  return sqlState(AirlockError.isInstance(error) ? error.cause : error) === HEAD_MOVED_SQLSTATE
}

/** Whether `error` says a claim carrying its event did not take its key fresh (SQLSTATE `AL002`): nothing was written. */
export function isClaimNotFresh(error: unknown): boolean {
  return sqlState(AirlockError.isInstance(error) ? error.cause : error) === CLAIM_NOT_FRESH_SQLSTATE
}

/** The head another writer left, as a head-moved error reports it; `null` when it does not say. */
export function movedTo(error: unknown): ChainHead | null {
  const cause = AirlockError.isInstance(error) ? error.cause : error
  const [seq, hash] = String((cause as { detail?: unknown } | null)?.detail ?? '').split(' ')
  const n = Number(seq)
  return Number.isSafeInteger(n) && n >= 0 && hash ? { seq: n, hash } : null
}
