/**
 * Verification of the audit hash chain, from any source of events.
 *
 * @module
 */
import type { AuditIndexedColumns, AuditStore, MerkleStore } from '../store/store.js'
import type { AuditEvent } from './audit-event.js'
import { chainHash, GENESIS_HASH } from './hash-chain.js'

/** An event to verify, optionally with the line it came from (named in the reason) or the columns stored beside it. */
export type ChainItem =
  | AuditEvent
  | { readonly line: number; readonly event: AuditEvent }
  | { readonly event: AuditEvent; readonly columns: AuditIndexedColumns }

/** The first stored column that differs from the hashed body, or null. */
export function forgedColumn(event: AuditEvent, columns: AuditIndexedColumns): string | null {
  for (const key of Object.keys(columns) as (keyof AuditIndexedColumns)[]) {
    if (columns[key] !== (event[key] ?? null)) return key
  }
  return null
}

/** Outcome of a verification: `count` events verified before the first problem. */
export type ChainVerification =
  | { readonly valid: true; readonly count: number }
  | {
      readonly valid: false
      /** The seq where the chain breaks. */
      readonly seq: number
      readonly reason: string
      readonly count: number
      readonly line?: number
    }

/** Options of {@link verifyChain}. */
export interface VerifyChainOptions {
  /** The link just before the first event, when verifying a chain that does not start at seq 1. */
  readonly after?: { readonly seq: number; readonly hash: string }
}

/**
 * Checks a chain in order: seqs run without gaps (a deleted, inserted or
 * reordered event breaks them), each `prev_hash` is the previous event's
 * `hash`, and each `hash` matches the event's content (a modified event
 * breaks it). Stops at the first problem.
 *
 * @remarks Cutting events off the end leaves a valid shorter chain; compare
 * with a recorded head to detect it ({@link verifyStore} does).
 */
export async function verifyChain(
  events: AsyncIterable<ChainItem> | Iterable<ChainItem>,
  options: VerifyChainOptions = {},
): Promise<ChainVerification> {
  let expected = (options.after?.seq ?? 0) + 1
  let prev = options.after?.hash ?? GENESIS_HASH
  let count = 0
  for await (const item of events) {
    const line = 'line' in item ? item.line : undefined
    const columns = 'columns' in item ? item.columns : undefined
    const event = 'event' in item ? item.event : item
    const fail = (seq: number, reason: string): ChainVerification => {
      const where = line === undefined ? reason : `line ${line}: ${reason}`
      return line === undefined
        ? { valid: false, seq, reason: where, count }
        : { valid: false, seq, reason: where, count, line }
    }
    const { prev_hash, hash, ...body } = event
    if (body.seq !== expected) {
      return fail(
        typeof body.seq === 'number' ? body.seq : expected,
        typeof body.seq === 'number' && body.seq > expected
          ? `seq ${body.seq} follows seq ${expected - 1}: events are missing or out of order`
          : `seq ${String(body.seq)} appears where seq ${expected} belongs: events are out of order or repeated`,
      )
    }
    if (prev_hash !== prev) {
      return fail(
        body.seq,
        `prev_hash does not match the hash of seq ${expected - 1}: the chain is broken here`,
      )
    }
    let actual: string
    try {
      actual = chainHash(prev_hash, body)
    } catch (error) {
      return fail(body.seq, `the event cannot be hashed: ${(error as Error).message}`)
    }
    if (actual !== hash) return fail(body.seq, 'hash does not match the content: the event was modified')
    const forged = columns ? forgedColumn(event, columns) : null
    if (forged) {
      return fail(
        body.seq,
        `the stored ${forged} column differs from the hashed event: the event was modified`,
      )
    }
    prev = hash
    expected++
    count++
  }
  return { valid: true, count }
}

/** Options of {@link verifyStore}. */
export interface VerifyStoreOptions {
  /** Events read per `range` call. Default 1000. */
  readonly pageSize?: number
}

/**
 * Verifies a store's whole chain by paging through `audit.range`, then
 * checks that it ends at the recorded head — so events cut off the end are
 * reported too.
 */
export async function verifyStore(
  store: {
    readonly audit: Pick<AuditStore, 'range' | 'head'>
    readonly merkle?: Pick<MerkleStore, 'indexedColumns'> | undefined
  },
  options: VerifyStoreOptions = {},
): Promise<ChainVerification> {
  const pageSize = options.pageSize ?? 1000
  let last: AuditEvent | undefined
  async function* pages(): AsyncGenerator<ChainItem> {
    let after = 0
    for (;;) {
      const page = await store.audit.range(after, pageSize)
      // The columns filters read, checked against the body they must come from.
      const columns = store.merkle ? await store.merkle.indexedColumns(after, pageSize) : []
      for (const [i, event] of page.entries()) {
        last = event
        const stored = columns[i]
        yield stored?.seq === event.seq ? { event, columns: stored } : event
      }
      const tail = page.at(-1)
      if (page.length < pageSize || !tail) return
      after = tail.seq
    }
  }
  const result = await verifyChain(pages())
  if (!result.valid) return result
  const head = await store.audit.head()
  const lastSeq = last?.seq ?? 0
  if ((head?.seq ?? 0) !== lastSeq) {
    return {
      valid: false,
      seq: lastSeq + 1,
      reason: `the chain ends at seq ${lastSeq} but its head records seq ${head?.seq ?? 0}: events were deleted from the end`,
      count: result.count,
    }
  }
  if (head && last && head.hash !== last.hash) {
    return {
      valid: false,
      seq: head.seq,
      reason: `the hash of seq ${head.seq} differs from the recorded head`,
      count: result.count,
    }
  }
  return result
}
