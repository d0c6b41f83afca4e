/**
 * An exported event line verified straight from its bytes: the fast path of
 * verifying a JSONL file.
 *
 * @remarks The full path reads a line as text, proves it canonical and
 * hashes the canonical body (the line without `prev_hash` and `hash`). Here
 * {@link findMembers} proves the bytes canonical without decoding them, the
 * event's shape is checked once per layout of keys (lines of one chain share
 * it), and the body is hashed from the line's own bytes. A line accepted
 * here is one the full path accepts with the same link; anything else
 * (including a link that does not follow, or a hash that does not match)
 * answers null, and the full path decides and words the problem.
 *
 * @module
 */
import { hash } from 'node:crypto'
import type { ChainLink } from '../store/store.js'
import { hasAuditEventShape, isHex64 } from './audit-event-shape.js'
import { bytesAre, findMembers, MemberSpans } from './canonical-members.js'
import { NESTED_ARRAY, NESTED_OBJECT } from './canonical-object-scan.js'
import { GENESIS_HASH } from './hash-chain.js'

const HASH_HEX = 64

/** Where a layout that passed the checks has the members the link needs. */
interface CheckedLayout {
  readonly version: number
  readonly seqAt: number
  readonly prevAt: number
  readonly hashAt: number
}

/** Reused state of a file's lines: member spans, the last layout checked and the hash input. */
export class HashedLines {
  private readonly spans = new MemberSpans()
  private checked: CheckedLayout | null = null
  private input = Buffer.allocUnsafe(4096)
  /** The last hash computed: hex, so a `prev` equal to it needs no check. */
  private computed = ''

  /**
   * The line's link when it follows `prev` (the hash the chain expects as
   * its `prev_hash`), its hash matches its own text and it is laid out as
   * the canonical event; null when the full path must decide.
   */
  link(bytes: Buffer, start: number, end: number, prev: string): ChainLink | null {
    const spans = this.spans
    if (!findMembers(bytes, start, end, spans)) return null
    // Lines of one chain share their layout: it is checked once, and again only when it changes.
    let layout = this.checked
    if (layout === null || layout.version !== spans.version) {
      layout = checkLayout(spans)
      this.checked = layout
      if (layout === null) return null
    }
    // The full path refuses a prev_hash that is not hex, even one the chain expects.
    if (prev !== this.computed && !isHex64(prev)) return null
    const { valueStart, valueEnd } = spans
    const seq = seqValue(bytes, valueStart[layout.seqAt]!, valueEnd[layout.seqAt]!)
    if (seq === null || !quotes(bytes, valueStart[layout.prevAt]!, valueEnd[layout.prevAt]!, prev))
      return null
    // Compared as bytes, neither text is decoded: an equal hash is hex as the digest is.
    const hash = this.bodyHash(bytes, prev, layout)
    this.computed = hash
    if (!quotes(bytes, valueStart[layout.hashAt]!, valueEnd[layout.hashAt]!, hash)) return null
    return { seq, prev_hash: prev, hash }
  }

  /** sha256 of `prev_hash` and the line without its `prev_hash` and `hash` members. */
  private bodyHash(bytes: Buffer, prev: string, layout: CheckedLayout): string {
    const { spans } = this
    const { count, keyStart, valueEnd } = spans
    const size = HASH_HEX + valueEnd[count - 1]! - keyStart[0]! + 3
    if (this.input.length < size) this.input = Buffer.allocUnsafe(size * 2)
    const input = this.input
    const skip = (n: number) => n === layout.hashAt || n === layout.prevAt
    let at = input.write(prev, 0, 'latin1')
    input[at++] = 0x7b
    for (let n = 0; n < count; n++) {
      if (skip(n)) continue
      // A run of kept members is copied at once, commas and all.
      let last = n
      while (last + 1 < count && !skip(last + 1)) last++
      if (at > HASH_HEX + 1) input[at++] = 0x2c
      const from = keyStart[n]! - 1
      // A plain view: `subarray` would build a Buffer through its species, per run.
      input.set(new Uint8Array(bytes.buffer, bytes.byteOffset + from, valueEnd[last]! - from), at)
      at += valueEnd[last]! - from
      n = last
    }
    input[at++] = 0x7d
    return sha256Hex(new Uint8Array(input.buffer, input.byteOffset, at))
  }
}

const sha256Hex = (bytes: Uint8Array): string => hash('sha256', bytes, 'hex')

/**
 * Checks what a layout decides alone: the event's fields with their types,
 * the full path's check on stand-ins for the values (keys are distinct, as
 * the walk found them sorted). The values of `seq`, `prev_hash` and `hash`
 * are read per line.
 */
function checkLayout(spans: MemberSpans): CheckedLayout | null {
  const { names, kinds } = spans
  const prevAt = names.indexOf('prev_hash')
  const hashAt = names.indexOf('hash')
  const seqAt = names.indexOf('seq')
  if (prevAt < 0 || hashAt < 0 || seqAt < 0) return null
  const values = kinds.map(standIn)
  // Read per line: here only their types are given, as ones that pass.
  values[seqAt] = kinds[seqAt] === 0x22 ? '' : 1
  values[prevAt] = values[hashAt] = kinds[prevAt] === 0x22 && kinds[hashAt] === 0x22 ? GENESIS_HASH : null
  if (!hasAuditEventShape(names, values)) return null
  return { version: spans.version, seqAt, prevAt, hashAt }
}

/**
 * A value of the type a value's first byte says, for the shape check, which
 * asks only for types: the walk has checked the text.
 */
function standIn(kind: number): unknown {
  if (kind === 0x22) return ''
  if (kind === 0x7b) return NESTED_OBJECT
  if (kind === 0x5b) return NESTED_ARRAY
  // Only `null` starts with n in a canonical text.
  if (kind === 0x6e) return null
  return 0
}

/** Whether `bytes[from, to)` is `text` in quotes (`text` is a hash). */
function quotes(bytes: Buffer, from: number, to: number, text: string): boolean {
  return bytes[from] === 0x22 && bytes[to - 1] === 0x22 && bytesAre(bytes, from + 1, to - 1, text)
}

/** A seq written as the number's own canonical digits, 1 or more and exact; else null. */
function seqValue(bytes: Buffer, from: number, to: number): number | null {
  if (to - from > 16 || bytes[from] === 0x30) return null
  let value = 0
  for (let i = from; i < to; i++) {
    const c = bytes[i]!
    if (c < 0x30 || c > 0x39) return null
    value = value * 10 + (c - 0x30)
  }
  return to > from && Number.isSafeInteger(value) ? value : null
}
