/**
 * One batch as one call of `airlock_write_batch_linked` (migration 13): the
 * claims, completions and audit rows travel as one JSON document, the
 * database links the events onto the chain head, and the answers come back
 * as one document, in one round trip.
 *
 * @module
 */
import type { AuditEvent } from '../../audit/audit-event.js'
import { linkHash } from '../../audit/hash-chain.js'
import { AirlockError } from '../../errors/airlock-error.js'
import { ErrorCode } from '../../errors/error-codes.js'
import { type ChainHead, type UnlinkedEvent, unlinkedEvents } from '../internal/link-batch.js'
import { answerAppends, appendsOf, type IndexedAppend } from '../internal/write-ops.js'
import type { ClaimResult, WriteOp, WriteResult } from '../store.js'
import { LINKED_BATCH_FUNCTION } from './linked-batch-function.js'
import type { PostgresConnection } from './postgres-connection.js'

/** A claim or completion of a batch, with its position among the batch's ops. */
export interface KeyedOp {
  readonly op: Extract<WriteOp, { kind: 'claim' | 'complete' }>
  readonly index: number
}

function keyedPayload({ op }: KeyedOp): Record<string, unknown> {
  if (op.kind === 'claim') return { kind: 'claim', ...op.request }
  const { scope, owner, outcome, expires_at } = op
  return { kind: 'complete', ...scope, owner, outcome, expires_at }
}

/** Where the gateway guessed an event would land: its `seq`, the hash before it and its own. */
type Link = readonly [seq: number, prev: string, hash: string]

/** The links of `events` following `head`, as the database computes them when the head is still `head`. */
function guessLinks(head: ChainHead, events: readonly UnlinkedEvent[]): Link[] {
  let prev = head
  return events.map((e) => {
    const seq = prev.seq + 1
    const hash = linkHash(prev.hash, `${e.pre}${seq}${e.post}`)
    const link = [seq, prev.hash, hash] as const
    prev = { seq, hash }
    return link
  })
}

/** An event's indexed columns and its body around `seq`; `claim`: the position in `ops` of the claim carrying it. */
function eventPayload(
  unlinked: UnlinkedEvent,
  claim: number | undefined,
  guess: Link | undefined,
): Record<string, unknown> {
  const e = unlinked.input
  // Properties are set one by one: object spreads cost several microseconds an event here.
  const row: Record<string, unknown> = {
    id: e.id,
    ts: e.ts,
    tenant_id: e.tenant_id,
    request_id: e.request_id,
    status: e.status,
    action: e.action,
    actor: e.actor,
    decision: e.decision ?? null,
    approval_id: e.approval_id ?? null,
    pre: unlinked.pre,
    post: unlinked.post,
  }
  if (guess !== undefined) {
    row.seq = guess[0]
    row.prev = guess[1]
    row.hash = guess[2]
  }
  if (claim !== undefined) row.claim = claim
  return row
}

type KeyedAnswer = ClaimResult | { readonly stored: boolean }
type LinkAnswer = readonly [number | string, string, string] | null

interface Answer {
  readonly results: readonly KeyedAnswer[]
  /** `true`: the gateway's guessed links stand. */
  readonly events: readonly LinkAnswer[] | true
}

function answer(value: unknown, ops: number, events: number): Answer {
  const parsed = (typeof value === 'string' ? JSON.parse(value) : value) as Partial<Answer> | null
  const results = parsed?.results
  const linked = parsed?.events ?? []
  const linkedOk = linked === true || (Array.isArray(linked) && linked.length === events)
  if (!Array.isArray(results) || results.length !== ops || !linkedOk) {
    throw new AirlockError(
      ErrorCode.STORE_ERROR,
      `postgres store: ${LINKED_BATCH_FUNCTION} answered ${Array.isArray(results) ? results.length : 'no'} results for ${ops} ops and ${events} events`,
    )
  }
  return { results, events: linked }
}

/**
 * Applies the batch in one call; fills one result per op (by op index;
 * the caller answers the claims whose events were not written) and returns
 * the chain head its events left (null: it wrote none). `keyed` are
 * the batch's claims and completions in lock order; `head`, when known, the
 * head the events are linked onto before they are sent.
 */
export async function callLinkedBatch(
  c: PostgresConnection,
  ops: readonly WriteOp[],
  keyed: readonly KeyedOp[],
  head: ChainHead | null,
  results: WriteResult[],
): Promise<ChainHead | null> {
  const position = new Map(keyed.map((k, i) => [k.index, i]))
  // Every claim's event is sent; the database writes it only if the claim takes its key fresh.
  const appends = appendsOf(ops)
  const unlinked = unlinkedEvents(appends.map((a) => a.event))
  const guesses = head === null || unlinked.length === 0 ? null : guessLinks(head, unlinked)
  const payload = {
    ops: keyed.map(keyedPayload),
    events: appends.map((a, i) =>
      eventPayload(
        unlinked[i]!,
        ops[a.index]!.kind === 'claim' ? position.get(a.index) : undefined,
        guesses?.[i],
      ),
    ),
    from: guesses === null ? null : head,
  }
  const [row] = await c.query<{ answer: unknown }>(
    'batch',
    `SELECT ${c.s}.${LINKED_BATCH_FUNCTION}($1::jsonb) AS answer`,
    [JSON.stringify(payload)],
  )
  const got = answer(row?.answer, keyed.length, appends.length)
  got.results.forEach((reply, i) => {
    const { op, index } = keyed[i]!
    results[index] =
      op.kind === 'claim'
        ? { kind: 'claim', result: reply as ClaimResult }
        : { kind: 'complete', stored: (reply as { stored: boolean }).stored === true }
  })
  const links = got.events === true ? guesses! : got.events
  const written: IndexedAppend[] = []
  const stored: AuditEvent[] = []
  links.forEach((link, i) => {
    if (link === null) return
    written.push(appends[i]!)
    stored.push(unlinked[i]!.linked(Number(link[0]), link[1], link[2]))
  })
  answerAppends(written, stored, results)
  const last = stored.at(-1)
  return last ? { seq: last.seq, hash: last.hash } : null
}
