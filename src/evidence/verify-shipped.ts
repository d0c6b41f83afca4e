/**
 * Verifying shipped audit files against the signed checkpoints they end
 * with, with only the log's public key.
 *
 * @remarks A shipped file holds canonical event lines in chain order and
 * ends with `{"checkpoint":{origin, size, root, note}}`. Given every file
 * from seq 1 in order, the verifier checks the hash chain, then rebuilds the
 * RFC 6962 tree from the events' leaf hashes and requires each file's
 * checkpoint to be signed by the log, to cover exactly the events read so
 * far, and to state the root they hash to. The chain alone can be rewritten
 * end to end by whoever holds the data; the signed root cannot be matched
 * without the log's private key.
 *
 * @module
 */
import { z } from 'zod'
import type { AuditEvent } from '../audit/audit-event.js'
import { canonicalJson } from '../audit/canonical-json.js'
import { type ChainPoint, verifyJsonlFile } from '../audit/jsonl.js'
import { openCheckpoint, type SignedCheckpoint } from './checkpoint.js'
import { CompactTree } from './compact-range.js'
import { eventLeafHash } from './integrate-committed.js'
import type { NoteVerifier } from './note-keys.js'
import { toHex } from './rfc6962.js'

/** The checkpoint a set of shipped files was verified against. */
export interface VerifiedCheckpoint {
  readonly origin: string
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
      /** The last file's checkpoint, which covers every event verified. */
      readonly checkpoint: VerifiedCheckpoint
    }
  | {
      readonly valid: false
      readonly count: number
      readonly file: string
      readonly line?: number
      readonly reason: string
    }

const checkpointLineShape = z.strictObject({
  checkpoint: z.strictObject({
    origin: z.string(),
    size: z.number().int().nonnegative(),
    root: z.string(),
    note: z.string(),
  }),
})

/** Reads a checkpoint line and checks its signature; returns the checkpoint or why it is not one. */
function openCheckpointLine(
  raw: string,
  log: NoteVerifier,
  origin: string | undefined,
): SignedCheckpoint | { readonly error: string } {
  let value: unknown
  try {
    value = JSON.parse(raw)
  } catch (error) {
    return { error: `the checkpoint line is not JSON: ${(error as Error).message}` }
  }
  const parsed = checkpointLineShape.safeParse(value)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    return { error: `the checkpoint line's ${issue.path.join('.') || 'value'}: ${issue.message}` }
  }
  if (canonicalJson(value) !== raw) {
    return {
      error: 'the checkpoint line is not in canonical form (it was edited or written by another tool)',
    }
  }
  const line = parsed.data.checkpoint
  let cp: SignedCheckpoint
  try {
    cp = openCheckpoint(line.note, log, origin)
  } catch (error) {
    const why = (error as Error).message
    return {
      error: why.includes('no valid signature')
        ? `the checkpoint line: ${why}: the checkpoint was forged or altered, or --key is not this log's key`
        : `the checkpoint line's note: ${why}`,
    }
  }
  const stated = { origin: cp.origin, size: cp.size, root: toHex(cp.root) }
  for (const field of ['origin', 'size', 'root'] as const) {
    if (line[field] !== stated[field]) {
      return {
        error: `the checkpoint line's ${field} (${String(line[field])}) differs from its signed note (${String(stated[field])}): the line was altered`,
      }
    }
  }
  return cp
}

/** Compares the tree rebuilt so far with a file's signed checkpoint; null when they agree. */
function coverageProblem(tree: CompactTree, cp: SignedCheckpoint): string | null {
  if (tree.size < cp.size) {
    return `the events end at seq ${tree.size} but the signed checkpoint covers ${cp.size}: events were cut off the end`
  }
  if (tree.size > cp.size) {
    return `the events run to seq ${tree.size} but the signed checkpoint covers only ${cp.size}: events were added after it`
  }
  if (!Buffer.from(tree.root()).equals(Buffer.from(cp.root))) {
    return `the ${cp.size} events hash to a different root than the signed checkpoint: events were changed, added, removed or reordered and the chain rewritten to hide it`
  }
  return null
}

/**
 * Verifies shipped files, given in chain order from the one holding seq 1,
 * against the checkpoints they end with, signed by `log`.
 *
 * @remarks Reports the first problem with its file and line: a line that is
 * not a canonical event, a broken chain (an edited, removed, inserted or
 * reordered event), a file without its checkpoint line, a checkpoint not
 * signed by `log`, one that covers more or fewer events than were read, or a
 * root the events do not hash to. Rejects only when a file cannot be read.
 */
export async function verifyShippedFiles(
  paths: readonly string[],
  log: NoteVerifier,
): Promise<ShippedVerification> {
  const tree = new CompactTree()
  let after: ChainPoint | undefined
  let last: SignedCheckpoint | undefined
  const leaf = (event: AuditEvent) => tree.append(eventLeafHash(event))
  for (const [i, file] of paths.entries()) {
    const result = await verifyJsonlFile(file, {
      checkpoints: true,
      onVerified: leaf,
      ...(after ? { after } : {}),
    })
    if (!result.valid) {
      const fromStart = i === 0 && result.count === 0 && result.seq > 1
      const hint = fromStart
        ? '; if this is not the first shipped file, give every file from the one holding seq 1, in order (e.g. audit-*.jsonl): the signed root covers every event from seq 1'
        : ''
      return { valid: false, count: tree.size, file, line: result.line, reason: `${result.reason}${hint}` }
    }
    if (result.checkpoint === undefined) {
      const reason =
        'the file does not end with a checkpoint line: its end was cut off, or it is still being written (.part)'
      return { valid: false, count: tree.size, file, reason }
    }
    const cp = openCheckpointLine(result.checkpoint, log, last?.origin)
    if ('error' in cp) return { valid: false, count: tree.size, file, reason: cp.error }
    const problem = coverageProblem(tree, cp)
    if (problem !== null) return { valid: false, count: tree.size, file, reason: problem }
    last = cp
    after = result.head ?? after
  }
  if (!last) return { valid: false, count: 0, file: '', reason: 'no files given' }
  const checkpoint = { origin: last.origin, size: last.size, root: toHex(last.root), note: last.note }
  return { valid: true, count: tree.size, files: paths.length, checkpoint }
}
