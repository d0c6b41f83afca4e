/**
 * Verifying shipped audit files and S3 objects against the signed
 * checkpoints they end with, with only the log's public key.
 *
 * @remarks A shipped file or object holds canonical event lines in chain
 * order and ends with a checkpoint line (see `shipped-checkpoint-line.ts`).
 * Given every one from seq 1 in order, the verifier checks the hash chain,
 * rebuilds the RFC 6962 tree from the events' leaf hashes, and requires each
 * checkpoint to be signed by the log and to commit to the events read so
 * far: a checkpoint ending at the last event read must state the root they
 * hash to; one covering more (an S3 object read before its checkpoint was
 * issued for later events) must come with a consistency proof from the root
 * of the events read to its signed root. The chain alone can be rewritten end
 * to end by whoever holds the data; the signed root cannot be matched
 * without the log's private key.
 *
 * A shipper may deliver a batch again after a failure, so an object can
 * repeat events of the one before it (S3 keys then share the first seq).
 * A repeated event must be the very event already read; it is not counted
 * twice.
 *
 * @module
 */
import type { AuditEvent } from '../audit/audit-event.js'
import { type ChainPoint, readJsonl, verifyJsonlFile } from '../audit/jsonl.js'
import type { SignedCheckpoint } from './checkpoint.js'
import { CompactTree } from './compact-range.js'
import { eventLeafHash } from './integrate-committed.js'
import type { NoteVerifier } from './note-keys.js'
import { toHex } from './rfc6962.js'
import { openCheckpointLine, type ShippedCheckpoint } from './shipped-checkpoint-line.js'
import { verifyConsistency } from './verify-proofs.js'

/** The checkpoint a set of shipped files was verified against. */
export interface VerifiedCheckpoint {
  readonly origin: string
  /** May exceed the events verified: the checkpoint was proved to extend them. */
  readonly size: number
  /** Hex root hash. */
  readonly root: string
  /** The signed note, with any witness cosignatures. */
  readonly note: string
}

/** Result of {@link verifyShippedFiles}: `count` events verified before the first problem. */
export type ShippedVerification =
  | {
      readonly valid: true
      readonly count: number
      readonly files: number
      /** The last checkpoint checked, which covers every event verified (and maybe more). */
      readonly checkpoint: VerifiedCheckpoint
    }
  | {
      readonly valid: false
      readonly count: number
      readonly file: string
      readonly line?: number
      readonly reason: string
    }

type Failure = Extract<ShippedVerification, { valid: false }>

/** What the files read so far established. */
class Progress {
  readonly tree = new CompactTree()
  /** Hashes of the events from the first of the newest range (and the one before), to check repeats. */
  window = new Map<number, string>([[0, '']])
  origin: string | undefined
  checkpoint: SignedCheckpoint | undefined

  head(): ChainPoint | undefined {
    const hash = this.window.get(this.tree.size)
    return this.tree.size === 0 || hash === undefined ? undefined : { seq: this.tree.size, hash }
  }

  /** The chain point just before `first`, when a file may start there. */
  pointBefore(first: number): ChainPoint | undefined | null {
    if (first <= 1) return undefined
    if (first > this.tree.size) return this.head()
    const hash = this.window.get(first - 1)
    return hash === undefined ? null : { seq: first - 1, hash }
  }

  /** A new range starts at `first`: forget the hashes before it. */
  startRange(first: number): void {
    const before = this.window.get(first - 1)
    this.window = new Map(before === undefined ? [] : [[first - 1, before]])
  }
}

/** The seq of a file's first event line, if it starts with one. */
async function firstSeq(path: string): Promise<number | undefined> {
  for await (const item of readJsonl(path, { checkpoints: true })) {
    return 'event' in item ? item.event.seq : undefined
  }
  return undefined
}

/**
 * Whether events that end at seq `size` fit a checkpoint of `checkpointSize`
 * that they equal or lead to by a consistency proof from `from`; null when
 * they do. Sizes alone: the root and the proof are checked apart.
 */
export function sizeProblem(size: number, checkpointSize: number, from: number | undefined): string | null {
  if (size > checkpointSize) {
    return `the events run to seq ${size} but the signed checkpoint covers only ${checkpointSize}: events were added after it`
  }
  if (from === undefined) {
    if (size === checkpointSize) return null
    return `the events end at seq ${size} but the signed checkpoint covers ${checkpointSize}: events were cut off the end, or the consistency proof from ${size} to ${checkpointSize} was removed`
  }
  if (from !== size) {
    return `the consistency proof starts at size ${from} but the events end at seq ${size}: events were cut off the end or added`
  }
  return null
}

/** Compares the tree rebuilt so far with a file's signed checkpoint and proof; null when they agree. */
function coverageProblem(tree: CompactTree, shipped: ShippedCheckpoint): string | null {
  const { checkpoint: cp, consistency } = shipped
  const size = tree.size
  // Shippers never write a file without events; one that ends in a genuine
  // checkpoint (with a proof "from 0") would otherwise pass for an emptied bucket.
  if (size === 0) {
    return 'no event comes before the signed checkpoint: the events were removed, or this is not the file holding seq 1'
  }
  if (size === cp.size && consistency === undefined) {
    if (Buffer.from(tree.root()).equals(Buffer.from(cp.root))) return null
    return `the ${cp.size} events hash to a different root than the signed checkpoint: events were changed, added, removed or reordered and the chain rewritten to hide it`
  }
  const sizes = sizeProblem(size, cp.size, consistency?.from)
  if (sizes !== null || consistency === undefined) return sizes
  if (verifyConsistency(size, cp.size, tree.root(), cp.root, consistency.proof)) return null
  return `the consistency proof from size ${size} to the signed checkpoint of size ${cp.size} does not verify against the root of the ${size} events read: events were changed, added, removed or reordered, or the proof was forged`
}

/** Reads one file into `progress`; returns its problem, or null. */
async function readFile(
  path: string,
  index: number,
  progress: Progress,
  log: NoteVerifier,
): Promise<Failure | null> {
  const count = progress.tree.size
  const first = await firstSeq(path)
  const after = progress.pointBefore(first ?? count + 1)
  if (after === null) {
    const reason = `it starts at seq ${first} but the files before it end at seq ${count} without that seq's neighbour: give the files in name order`
    return { valid: false, count, file: path, line: 1, reason }
  }
  if (first !== undefined && first === count + 1) progress.startRange(first)
  const repeat = { seq: 0, line: 0 }
  let lines = 0
  const onVerified = (event: AuditEvent) => {
    lines++
    if (repeat.seq !== 0) return
    if (event.seq <= progress.tree.size) {
      if (progress.window.get(event.seq) !== event.hash)
        Object.assign(repeat, { seq: event.seq, line: lines })
      return
    }
    progress.tree.append(eventLeafHash(event))
    progress.window.set(event.seq, event.hash)
  }
  const result = await verifyJsonlFile(path, { checkpoints: true, onVerified, ...(after ? { after } : {}) })
  if (!result.valid) {
    const fromStart = index === 0 && result.count === 0 && result.seq > 1
    const hint = fromStart
      ? '; if this is not the first shipped file, give every file from the one holding seq 1, in order (e.g. audit-*.jsonl): the signed root covers every event from seq 1'
      : result.count === 0 && result.seq > count + 1
        ? `; the files given end at seq ${count}: a file or object is missing before this one`
        : ''
    const reason = `${result.reason}${hint}`
    return { valid: false, count: progress.tree.size, file: path, line: result.line, reason }
  }
  if (repeat.seq !== 0) {
    const reason = `seq ${repeat.seq} repeats an event of an earlier file with different content: one of the two was changed`
    return { valid: false, count: progress.tree.size, file: path, line: repeat.line, reason }
  }
  return checkTrailer(path, result, progress, log)
}

/** Checks the checkpoint line a file ended with against the tree; null when it holds. */
function checkTrailer(
  path: string,
  result: { readonly head: ChainPoint | null; readonly checkpoint?: string },
  progress: Progress,
  log: NoteVerifier,
): Failure | null {
  const count = progress.tree.size
  if (result.checkpoint === undefined) {
    const reason =
      'the file does not end with a checkpoint line: its end was cut off, or it is still being written (.part)'
    return { valid: false, count, file: path, reason }
  }
  const shipped = openCheckpointLine(result.checkpoint, log, progress.origin)
  if ('error' in shipped) return { valid: false, count, file: path, reason: shipped.error }
  progress.origin = shipped.checkpoint.origin
  // A file wholly repeating events already read proves nothing new; its events were matched above.
  if ((result.head?.seq ?? 0) < count) return null
  const problem = coverageProblem(progress.tree, shipped)
  if (problem !== null) return { valid: false, count, file: path, reason: problem }
  progress.checkpoint = shipped.checkpoint
  return null
}

/**
 * Verifies shipped files or S3 objects, given in chain (name) order from the
 * one holding seq 1, against the checkpoints they end with, signed by `log`.
 *
 * @remarks Reports the first problem with its file and line: a line that is
 * not a canonical event, a broken chain (an edited, removed, inserted or
 * reordered event, or a missing file), a repeated event that differs, a file
 * without its checkpoint line, a checkpoint not signed by `log`, one that
 * covers fewer events than were read, one covering more without a valid
 * consistency proof from them, or a root the events do not hash to. Rejects
 * only when a file cannot be read.
 */
export async function verifyShippedFiles(
  paths: readonly string[],
  log: NoteVerifier,
): Promise<ShippedVerification> {
  const progress = new Progress()
  for (const [i, file] of paths.entries()) {
    const failure = await readFile(file, i, progress, log)
    if (failure !== null) return failure
  }
  const last = progress.checkpoint
  if (!last) return { valid: false, count: 0, file: '', reason: 'no files given' }
  const checkpoint = { origin: last.origin, size: last.size, root: toHex(last.root), note: last.note }
  return { valid: true, count: progress.tree.size, files: paths.length, checkpoint }
}
