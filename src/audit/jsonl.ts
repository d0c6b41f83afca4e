/**
 * The audit chain as a JSON Lines file: export, read back, verify offline.
 *
 * @remarks One event per line, each line the RFC 8785 canonical JSON of the
 * whole event (with `seq`, `prev_hash` and `hash`), in chain order. Because
 * lines are canonical, a file can be checked byte for byte: any edit, even
 * one that keeps the parsed values (reordered keys, duplicate keys, extra
 * spaces), is reported.
 *
 * @module
 */
import type { ChainLink } from '../store/store.js'
import type { AuditEvent } from './audit-event.js'
import { auditEventShapeProblem, hasAuditEventShape } from './audit-event-shape.js'
import { canonicalJson, canonicalJsonOmitting } from './canonical-json.js'
import { scanCanonicalObject } from './canonical-object-scan.js'
import { fileLineBytes, fileLines, type LineBatch } from './file-lines.js'
import { HashedLines } from './hashed-line.js'
import { ChainCheck, type ChainVerification } from './verify-chain.js'

/**
 * Writes each event as one canonical JSON line and returns how many were
 * written. Waits for `drain` when the stream asks it to; does not end `out`.
 *
 * @remarks Rejects with the stream's error if `out` fails, and when `out`
 * closes before the export is done.
 */
export async function exportJsonl(
  events: AsyncIterable<AuditEvent> | Iterable<AuditEvent>,
  out: NodeJS.WritableStream,
): Promise<number> {
  let failure: Error | null = null
  const onError = (error: Error) => {
    failure ??= error
  }
  out.on('error', onError)
  let count = 0
  try {
    for await (const event of events) {
      if (failure) throw failure
      if (!out.write(`${canonicalJson(event)}\n`)) await drained(out)
      count++
    }
    if (failure) throw failure
    return count
  } finally {
    out.off('error', onError)
  }
}

function drained(out: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      out.off('drain', onDrain)
      out.off('error', onError)
      out.off('close', onClose)
    }
    const onDrain = () => {
      cleanup()
      resolve()
    }
    const onError = (error: Error) => {
      cleanup()
      reject(error)
    }
    const onClose = () => {
      cleanup()
      reject(new Error('output stream closed before the export finished'))
    }
    out.on('drain', onDrain)
    out.on('error', onError)
    out.on('close', onClose)
  })
}

/** One non-blank line of an audit file: the event, or why the line is not one. `line` counts every line from 1. */
export type JsonlItem =
  /** `body`: the canonical text the event's hash covers, when the line was checked to be canonical. */
  | { readonly line: number; readonly event: AuditEvent; readonly body?: string }
  | { readonly line: number; readonly error: string }
  /** A `{"checkpoint":…}` line, as shipped files end; only with `checkpoints: true`. */
  | { readonly line: number; readonly checkpoint: string }

/** Options for {@link readJsonl} and {@link parseAuditEventLine}. */
export interface ReadJsonlOptions {
  /** Reject lines that are not exactly the canonical JSON of the event they hold. Default true. */
  readonly requireCanonical?: boolean
  /** Yield `{"checkpoint":…}` lines as checkpoints rather than as errors. Default false. */
  readonly checkpoints?: boolean
}

/** How every checkpoint line begins (and no event line does: an event's first key is `action`). */
export const CHECKPOINT_LINE = '{"checkpoint":'
const HASH_FIELDS: ReadonlySet<string> = new Set(['prev_hash', 'hash'])

/** Parses one line of an audit file into an event, or says why it is not one. */
export function parseAuditEventLine(
  line: string,
  options: ReadJsonlOptions = {},
): { readonly event: AuditEvent; readonly body?: string } | { readonly error: string } {
  if (options.requireCanonical !== false) {
    const canonical = canonicalEventLine(line)
    if (canonical !== null) return { event: JSON.parse(line) as AuditEvent, body: canonical.body }
  }
  return parseLineInFull(line, options)
}

/**
 * The link fields and hashed body of a line that is an audit event in
 * canonical form, read without building the event; null when the line is
 * not one or the scan cannot tell ({@link parseLineInFull} then decides).
 *
 * @remarks The scan gives the top-level values as `JSON.parse` would, so the
 * shape check answers the same; the body is the line without `prev_hash`
 * and `hash`, as `canonicalJsonOmitting` cuts it.
 */
function canonicalEventLine(line: string): { readonly link: ChainLink; readonly body: string } | null {
  const scan = scanCanonicalObject(line, HASH_FIELDS)
  if (scan === null || !hasAuditEventShape(scan.keys, scan.values)) return null
  const { keys, values } = scan
  // The shape check has found these three, typed.
  const link = {
    seq: values[keys.indexOf('seq')] as number,
    prev_hash: values[keys.indexOf('prev_hash')] as string,
    hash: values[keys.indexOf('hash')] as string,
  }
  return { link, body: scan.rest }
}

function parseLineInFull(
  line: string,
  options: ReadJsonlOptions,
): { readonly event: AuditEvent; readonly body?: string } | { readonly error: string } {
  let value: unknown
  try {
    value = JSON.parse(line)
  } catch (error) {
    return { error: `invalid JSON: ${error instanceof Error ? error.message : String(error)}` }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { error: 'not a JSON object' }
  const problem = auditEventShapeProblem(value as Record<string, unknown>)
  if (problem !== null) return { error: problem }
  const event = value as AuditEvent
  if (options.requireCanonical === false) return { event }
  // The line and the body its hash covers, serialised in one pass; it refuses
  // nesting deeper than any event may hold, which is this line's problem.
  let canonical: { whole: string; rest: string }
  try {
    canonical = canonicalJsonOmitting(value as Record<string, unknown>, HASH_FIELDS)
  } catch (error) {
    return { error: `cannot be canonicalised: ${error instanceof Error ? error.message : String(error)}` }
  }
  const { whole, rest } = canonical
  if (whole !== line) {
    return { error: 'not in canonical form (the line was edited or written by another tool)' }
  }
  return { event, body: rest }
}

/**
 * Reads an audit file line by line, yielding each non-blank line as an event
 * or as an error with its line number. Never throws on bad content; rejects
 * only when the file cannot be read.
 */
export async function* readJsonl(path: string, options: ReadJsonlOptions = {}): AsyncGenerator<JsonlItem> {
  let line = 0
  for await (const lines of fileLines(path)) {
    for (const raw of lines) {
      line++
      const kind = lineKind(raw, options)
      if (kind === 'checkpoint') yield { line, checkpoint: raw }
      else if (kind === 'event') yield { line, ...parseAuditEventLine(raw, options) }
    }
  }
}

/** What a line of an audit file holds: nothing (skipped), a checkpoint (only when they are read), or an event. */
function lineKind(raw: string, options: ReadJsonlOptions): 'blank' | 'checkpoint' | 'event' {
  // An event line starts with its brace: only other lines pay for the blank test.
  if (raw.charCodeAt(0) !== 0x7b && raw.trim() === '') return 'blank'
  return options.checkpoints && raw.startsWith(CHECKPOINT_LINE) ? 'checkpoint' : 'event'
}

/** A line as the chain check reads it: a canonical line's event is not built. */
type LinkItem =
  | { readonly line: number; readonly event: ChainLink; readonly body: string }
  | { readonly line: number; readonly event: AuditEvent; readonly body?: string }
  | { readonly line: number; readonly error: string }

function readLink(raw: string, line: number, options: ReadJsonlOptions): LinkItem {
  const canonical = options.requireCanonical === false ? null : canonicalEventLine(raw)
  return canonical === null
    ? { line, ...parseLineInFull(raw, options) }
    : { line, event: canonical.link, body: canonical.body }
}

/** A seq and hash of one event, as recorded by a checkpoint. */
export interface ChainPoint {
  readonly seq: number
  readonly hash: string
}

/** Options for {@link verifyJsonlFile}. */
export interface VerifyJsonlOptions extends ReadJsonlOptions {
  /** The event just before the file's first one, for a file that does not start at seq 1. */
  readonly after?: ChainPoint
  /**
   * A head recorded elsewhere (a checkpoint). The file must reach it with the
   * same hash; without one, removing events from the end cannot be detected.
   */
  readonly head?: ChainPoint
  /** Called with each event once the chain check has accepted it, in order. */
  readonly onVerified?: (event: AuditEvent) => void
}

/** Result of {@link verifyJsonlFile}: `count` events verified before the first problem. */
export type JsonlVerification =
  | {
      readonly valid: true
      readonly count: number
      readonly head: ChainPoint | null
      /** The file's last line when it is a checkpoint (read with `checkpoints: true`). */
      readonly checkpoint?: string
    }
  | {
      readonly valid: false
      readonly count: number
      readonly seq: number
      readonly line: number
      readonly reason: string
    }

/**
 * Verifies an exported audit file with {@link verifyChain}: every line parses
 * to an event, seqs run without gaps from `after.seq + 1` (or 1), each
 * `prev_hash` is the previous event's `hash`, and each `hash` is recomputed
 * from the event. Stops at the first problem and names its line.
 *
 * @remarks Detects modified, deleted, inserted and reordered events. Cutting
 * events off the end is only detected when `head` is given. Rejects only when
 * the file cannot be read.
 */
export async function verifyJsonlFile(
  path: string,
  options: VerifyJsonlOptions = {},
): Promise<JsonlVerification> {
  const file = new FileVerification(options)
  for await (const batch of fileLineBytes(path)) {
    if (!file.batch(batch)) break
  }
  return file.result()
}

/** The state of one file's verification, fed its lines in order. */
class FileVerification {
  private readonly check: ChainCheck
  // Only a caller that is handed each event needs it built; lines that are
  // not read from their bytes take the full path.
  private readonly hashed: HashedLines | null
  private readonly read: (raw: string, line: number) => LinkItem
  private line = 0
  /** The last line that was not blank. */
  private lastLine = 0
  private failure: JsonlVerification | null = null
  private broken: { readonly line: number; readonly error: string } | null = null
  private last: ChainPoint | null
  private hashAtHead: string | null
  private checkpoint: string | undefined

  constructor(private readonly options: VerifyJsonlOptions) {
    const { after, head, onVerified } = options
    this.check = new ChainCheck(after ? { after } : {})
    this.hashed = onVerified || options.requireCanonical === false ? null : new HashedLines()
    this.read = onVerified
      ? (raw, line) => ({ line, ...parseAuditEventLine(raw, options) })
      : (raw, line) => readLink(raw, line, options)
    this.last = after ?? null
    this.hashAtHead = head && after?.seq === head.seq ? after.hash : null
  }

  /** Checks a batch of lines; false once the chain has ended (broken, or a line where none may be). */
  batch({ bytes, starts, ends }: LineBatch): boolean {
    for (let i = 0; i < starts.length; i++) {
      this.line++
      const link =
        this.hashed && this.checkpoint === undefined
          ? this.hashed.link(bytes, starts[i]!, ends[i]!, this.check.prev)
          : null
      const ok = link
        ? this.accepted(link, this.check.nextHashed(link, this.line))
        : this.text(bytes, starts[i]!, ends[i]!)
      if (!ok) return false
    }
    return true
  }

  /** A line the fast path could not vouch for, as text: blank, a checkpoint, or an item for the chain check. */
  private text(bytes: Buffer, start: number, end: number): boolean {
    const raw = bytes.toString('utf8', start, end)
    const kind = lineKind(raw, this.options)
    if (kind === 'blank') return true
    this.lastLine = this.line
    if (this.checkpoint !== undefined) {
      this.broken = { line: this.line, error: 'a line follows the checkpoint line, which must be the last' }
      return false
    }
    if (kind === 'checkpoint') {
      this.checkpoint = raw
      return true
    }
    const item = this.read(raw, this.line)
    if ('error' in item) {
      this.broken = item
      return false
    }
    return this.accepted(item.event, this.check.next(item), item.event)
  }

  /** Records an item the chain check has judged; false when it broke the chain. */
  private accepted(link: ChainLink, failure: ChainVerification | null, event?: ChainLink): boolean {
    this.lastLine = this.line
    if (failure && !failure.valid) {
      this.failure = { ...failure, line: failure.line ?? this.line }
      return false
    }
    if (event) this.options.onVerified?.(event as AuditEvent)
    this.last = { seq: link.seq, hash: link.hash }
    if (this.options.head && link.seq === this.options.head.seq) this.hashAtHead = link.hash
    return true
  }

  result(): JsonlVerification {
    if (this.failure) return this.failure
    const { after, head } = this.options
    const { count } = this.check
    const { broken, last } = this
    if (broken) {
      const seq = (after?.seq ?? 0) + count + 1
      return { valid: false, count, seq, line: broken.line, reason: `line ${broken.line}: ${broken.error}` }
    }
    if (head) {
      const lastSeq = last?.seq ?? 0
      if (lastSeq < head.seq) {
        const reason = `the file ends at seq ${lastSeq} but the checkpoint head is seq ${head.seq}`
        return { valid: false, count, seq: lastSeq + 1, line: this.lastLine, reason }
      }
      if (this.hashAtHead !== head.hash) {
        const reason = `the hash of seq ${head.seq} differs from the checkpoint`
        return { valid: false, count, seq: head.seq, line: this.lastLine, reason }
      }
    }
    return this.checkpoint === undefined
      ? { valid: true, count, head: last }
      : { valid: true, count, head: last, checkpoint: this.checkpoint }
  }
}
