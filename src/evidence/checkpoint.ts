/**
 * C2SP tlog-checkpoint: the signed statement of a log's size and root.
 * The note text is the origin line, the decimal tree size, the base64 root
 * hash, and optional extension lines; the log's Ed25519 key signs it.
 *
 * @module
 */
import type { NoteSigner, NoteVerifier } from './note-keys.js'
import { EMPTY_ROOT, HASH_SIZE } from './rfc6962.js'
import { hasValidSignature, type Note, parseNote, signNote } from './signed-note.js'

/** What a checkpoint states. */
export interface Checkpoint {
  readonly origin: string
  readonly size: number
  readonly root: Uint8Array
  readonly extensions: readonly string[]
}

/** A checkpoint with its note text and the parsed note. */
export interface SignedCheckpoint extends Checkpoint {
  /** The whole signed note. */
  readonly note: string
  readonly parsed: Note
}

/** The note text (body) of a checkpoint. */
export function checkpointText(cp: Checkpoint): string {
  if (cp.origin === '' || /\n/.test(cp.origin)) throw new TypeError('the origin must be one non-empty line')
  if (!Number.isSafeInteger(cp.size) || cp.size < 0)
    throw new TypeError('the tree size must be a whole number ≥ 0')
  if (cp.root.length !== HASH_SIZE) throw new TypeError('the root hash must be 32 bytes')
  const ext = cp.extensions.map((line) => {
    if (line === '' || /\n/.test(line)) throw new TypeError('extension lines must be non-empty single lines')
    return `${line}\n`
  })
  return `${cp.origin}\n${cp.size}\n${Buffer.from(cp.root).toString('base64')}\n${ext.join('')}`
}

/** Signs a checkpoint with the log's key (and any extra signers). */
export function signCheckpoint(cp: Checkpoint, signers: readonly NoteSigner[]): string {
  return signNote(checkpointText(cp), signers)
}

/** Reads a checkpoint's text; throws TypeError saying which line is wrong. */
export function parseCheckpointText(text: string): Checkpoint {
  const lines = text.split('\n')
  if (lines.length < 4 || lines.at(-1) !== '')
    throw new TypeError('a checkpoint has at least three lines, each ending in a newline')
  const [origin, sizeLine, rootLine, ...rest] = lines.slice(0, -1) as [string, string, string, ...string[]]
  if (origin === '') throw new TypeError('checkpoint line 1: the origin is empty')
  if (!/^(0|[1-9][0-9]*)$/.test(sizeLine) || !Number.isSafeInteger(Number(sizeLine))) {
    throw new TypeError(
      `checkpoint line 2: expected the tree size in decimal, got ${JSON.stringify(sizeLine)}`,
    )
  }
  const root = Buffer.from(rootLine, 'base64')
  if (root.length !== HASH_SIZE || root.toString('base64') !== rootLine) {
    throw new TypeError('checkpoint line 3: expected the base64 of a 32-byte root hash')
  }
  return { origin, size: Number(sizeLine), root: new Uint8Array(root), extensions: rest }
}

/**
 * Parses a signed checkpoint and checks the log's signature.
 *
 * @throws TypeError when the note is malformed, or not signed by `log`, or
 * names another origin than `origin` (when given).
 */
export function openCheckpoint(note: string, log: NoteVerifier, origin?: string): SignedCheckpoint {
  const parsed = parseNote(note)
  const cp = parseCheckpointText(parsed.text)
  if (origin !== undefined && cp.origin !== origin) {
    throw new TypeError(
      `the checkpoint is for origin ${JSON.stringify(cp.origin)}, expected ${JSON.stringify(origin)}`,
    )
  }
  if (!hasValidSignature(parsed, log)) {
    throw new TypeError(`the checkpoint carries no valid signature by ${log.name}`)
  }
  if (cp.size === 0 && !Buffer.from(cp.root).equals(Buffer.from(EMPTY_ROOT))) {
    throw new TypeError('an empty tree must have the empty root')
  }
  return { ...cp, note, parsed }
}
