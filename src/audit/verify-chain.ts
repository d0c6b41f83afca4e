/**
 * Verification of the audit hash chain, from any source of events.
 *
 * @module
 */
import type {
  AuditIndexedColumns,
  AuditStore,
  ChainLink,
  MerkleStore,
  StoredAuditRow,
} from '../store/store.js'
import type { AuditEvent } from './audit-event.js'
import { chainHash, GENESIS_HASH, linkHash } from './hash-chain.js'

/** An event to verify, optionally with the line it came from (named in the reason) or the columns stored beside it. */
export type ChainItem =
  | AuditEvent
  /** `body`, when given, is the canonical text of the event without `prev_hash` and `hash`: hashed as it is. */
  | { readonly line: number; readonly event: AuditEvent; readonly body?: string }
  /** Only the link fields are needed beside the body its hash covers. */
  | { readonly line: number; readonly event: ChainLink; readonly body: string }
  | { readonly event: AuditEvent; readonly columns: AuditIndexedColumns }

/** The first stored column that differs from the hashed body, or null. */
export function forgedColumn(
  event: AuditEvent,
  columns: AuditIndexedColumns,
): keyof AuditIndexedColumns | null {
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
  const check = new ChainCheck(options)
  for await (const item of events) {
    const failure = check.next(item)
    if (failure) return failure
  }
  return { valid: true, count: check.count }
}

/**
 * {@link verifyChain} one item at a time, for a caller that feeds it
 * synchronously: the expected seq and `prev_hash`, and the count so far.
 */
export class ChainCheck {
  /** The seq the next event must have. */
  private expected: number
  private last: string
  private accepted = 0

  constructor(options: VerifyChainOptions = {}) {
    this.expected = (options.after?.seq ?? 0) + 1
    this.last = options.after?.hash ?? GENESIS_HASH
  }

  /** The hash the next event's `prev_hash` must be. */
  get prev(): string {
    return this.last
  }

  /** Events accepted so far. */
  get count(): number {
    return this.accepted
  }

  /** Checks the next item and accepts it, or says where and why the chain breaks there. */
  next(item: ChainItem): ChainVerification | null {
    // A bare event always has a hash and a wrapper never does: an event's own
    // fields (whatever a tampered body adds) are never read as a wrapper's.
    const wrapper = 'hash' in item ? undefined : item
    const line = wrapper && 'line' in wrapper ? wrapper.line : undefined
    const columns = wrapper && 'columns' in wrapper ? wrapper.columns : undefined
    const text = wrapper && 'body' in wrapper ? wrapper.body : undefined
    const event: ChainLink = wrapper ? wrapper.event : (item as AuditEvent)
    const { prev_hash, hash, seq } = event
    if (seq !== this.expected) {
      return this.fail(typeof seq === 'number' ? seq : this.expected, seqProblem(seq, this.expected), line)
    }
    if (prev_hash !== this.prev) return this.fail(seq, brokenLink(this.expected), line)
    let actual: string
    try {
      // Without a body the item is a whole event (only a link's wrapper comes without one).
      actual = text === undefined ? hashOf(event as AuditEvent) : linkHash(prev_hash, text)
    } catch (error) {
      return this.fail(seq, `the event cannot be hashed: ${(error as Error).message}`, line)
    }
    if (actual !== hash) return this.fail(seq, MODIFIED, line)
    const forged = columns ? forgedColumn(event as AuditEvent, columns) : null
    if (forged) return this.fail(seq, forgedProblem(forged), line)
    this.accept(hash)
    return null
  }

  /**
   * Checks and accepts a link whose `prev_hash` is {@link prev} and whose
   * hash was already found to cover its text: only its seq is left to check.
   */
  nextHashed(link: ChainLink, line: number): ChainVerification | null {
    if (link.seq !== this.expected) return this.fail(link.seq, seqProblem(link.seq, this.expected), line)
    this.accept(link.hash)
    return null
  }

  private accept(hash: string): void {
    this.last = hash
    this.expected++
    this.accepted++
  }

  private fail(seq: number, reason: string, line: number | undefined): ChainVerification {
    const count = this.accepted
    return line === undefined
      ? { valid: false, seq, reason, count }
      : { valid: false, seq, reason: `line ${line}: ${reason}`, count, line }
  }
}

const MODIFIED = 'hash does not match the content: the event was modified'

function hashOf(event: AuditEvent): string {
  const { prev_hash, hash: _hash, ...body } = event
  return chainHash(prev_hash, body)
}

function seqProblem(seq: unknown, expected: number): string {
  return typeof seq === 'number' && seq > expected
    ? `seq ${seq} follows seq ${expected - 1}: events are missing or out of order`
    : `seq ${String(seq)} appears where seq ${expected} belongs: events are out of order or repeated`
}

function brokenLink(expected: number): string {
  return `prev_hash does not match the hash of seq ${expected - 1}: the chain is broken here`
}

function forgedProblem(forged: string): string {
  return forged === 'body'
    ? 'the stored body is not a JSON object: the event was modified'
    : `the stored ${forged} column differs from the hashed event: the event was modified`
}

/**
 * {@link verifyChain} over rows as stored, a page at a time: hashes each
 * stored body text as it is, so no event is parsed or re-serialised, and
 * takes the store's word on which indexed column disagrees with the body.
 *
 * @remarks Memory stays at one page whatever the chain's length.
 */
export async function verifyStoredRows(
  pages: AsyncIterable<readonly StoredAuditRow[]>,
): Promise<ChainVerification> {
  let expected = 1
  let prev = GENESIS_HASH
  for await (const page of pages) {
    for (const row of page) {
      const reason = storedRowProblem(row, expected, prev)
      if (reason !== null) return { valid: false, seq: row.seq, reason, count: expected - 1 }
      prev = row.hash
      expected++
    }
  }
  return { valid: true, count: expected - 1 }
}

// The reason a stored row breaks the chain, or null: no closure or result object per good row.
function storedRowProblem(row: StoredAuditRow, expected: number, prev: string): string | null {
  if (row.seq !== expected) return seqProblem(row.seq, expected)
  if (row.prev_hash !== prev) return brokenLink(expected)
  if (linkHash(row.prev_hash, row.body) !== row.hash) return MODIFIED
  if (row.forged !== null) return forgedProblem(row.forged)
  return null
}

/** Options of {@link verifyStore}. */
export interface VerifyStoreOptions {
  /**
   * Events read per call. Default 256: larger pages only raise the peak
   * memory (each page is garbage the moment it is checked) and save nothing.
   */
  readonly pageSize?: number
}

type VerifiableStore = {
  readonly audit: Pick<AuditStore, 'range' | 'head' | 'storedRange'>
  readonly merkle?: Pick<MerkleStore, 'indexedColumns'> | undefined
}

/** The last link a verification reached; updated as pages are read. */
interface Reached {
  seq: number
  hash: string
}

async function* storedPages(
  audit: Required<Pick<AuditStore, 'storedRange'>>,
  pageSize: number,
  reached: Reached,
  until: number,
): AsyncGenerator<readonly StoredAuditRow[]> {
  let next = audit.storedRange(reached.seq, pageSize)
  for (;;) {
    const read = await next
    const page = read.filter((row) => row.seq <= until)
    const tail = page.at(-1)
    if (!tail) return
    const more = read.length === pageSize && tail.seq < until
    // The next page is asked for before this one is checked, so a database
    // server reads it meanwhile: two pages at most are held. Its failure is
    // reported when awaited, and not at all if the check stops here.
    if (more) {
      next = audit.storedRange(tail.seq, pageSize)
      next.catch(() => undefined)
    }
    yield page
    // Only rows the chain check accepted count as reached: it stops at the first bad one.
    reached.seq = tail.seq
    reached.hash = tail.hash
    if (!more) return
  }
}

async function* eventPages(
  store: VerifiableStore,
  pageSize: number,
  reached: Reached,
  until: number,
): AsyncGenerator<ChainItem> {
  for (;;) {
    const after = reached.seq
    const page = await store.audit.range(after, pageSize)
    // The columns filters read, checked against the body they must come from.
    const columns = store.merkle ? await store.merkle.indexedColumns(after, pageSize) : []
    for (const [i, event] of page.entries()) {
      if (event.seq > until) return
      reached.seq = event.seq
      reached.hash = event.hash
      const stored = columns[i]
      yield stored?.seq === event.seq ? { event, columns: stored } : event
    }
    if (page.length < pageSize || reached.seq >= until) return
  }
}

/**
 * Verifies a store's whole chain page by page (through
 * {@link AuditStore.storedRange} when the store has it, else `audit.range`),
 * up to the head recorded when it starts, and checks that it reaches that
 * head — so events cut off the end are reported too.
 *
 * @remarks Memory stays at one page whatever the chain's length. The head
 * is read first: a head and its events commit together, so every event up
 * to it exists, and events appended during the scan are left for the next
 * one instead of making a busy chain look cut short.
 */
export async function verifyStore(
  store: VerifiableStore,
  options: VerifyStoreOptions = {},
): Promise<ChainVerification> {
  const pageSize = options.pageSize ?? 256
  const reached: Reached = { seq: 0, hash: GENESIS_HASH }
  const { audit } = store
  const head = await audit.head()
  const until = head?.seq ?? 0
  const result = audit.storedRange
    ? await verifyStoredRows(
        storedPages({ storedRange: audit.storedRange.bind(audit) }, pageSize, reached, until),
      )
    : await verifyChain(eventPages(store, pageSize, reached, until))
  if (!result.valid) return result
  if ((head?.seq ?? 0) !== reached.seq) {
    return {
      valid: false,
      seq: reached.seq + 1,
      reason: `the chain ends at seq ${reached.seq} but its head records seq ${head?.seq ?? 0}: events were deleted from the end`,
      count: result.count,
    }
  }
  if (head && head.hash !== reached.hash) {
    return {
      valid: false,
      seq: head.seq,
      reason: `the hash of seq ${head.seq} differs from the recorded head`,
      count: result.count,
    }
  }
  return (await beyondHead(audit, until, result.count)) ?? result
}

/**
 * Events past the head the scan stopped at, which it never examined, are
 * fine only if the head has since reached them: an append commits its events
 * and the head together, so the first event after `until`, read before the
 * head is read again, is covered by that head unless the head was moved back
 * or removed (which would hide events from verification while readers still
 * list them).
 */
async function beyondHead(
  audit: VerifiableStore['audit'],
  until: number,
  count: number,
): Promise<ChainVerification | null> {
  const [next] = audit.storedRange ? await audit.storedRange(until, 1) : await audit.range(until, 1)
  if (next === undefined) return null
  const now = (await audit.head())?.seq ?? 0
  if (next.seq <= now) return null
  return {
    valid: false,
    seq: next.seq,
    reason: `event ${next.seq} lies beyond the chain head (seq ${now}): the head was moved back or removed`,
    count,
  }
}
