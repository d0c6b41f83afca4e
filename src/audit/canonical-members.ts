/**
 * The top-level members of an object's canonical JSON text (RFC 8785, as
 * `canonicalJson` writes it), read from its UTF-8 bytes: where each key and
 * each value starts and ends, the whole text checked but nothing decoded.
 *
 * @remarks Verifying an exported chain hashes lines it already has, so it
 * needs to know where a few members are, not what every value is. This walk
 * proves a text canonical without building a value: keys sorted and
 * distinct at every level, strings with only their canonical escapes,
 * numbers as `String(n)` writes them, no whitespace. It is deliberately
 * partial, like `scanCanonicalObject`: whatever it is not sure of (a key
 * that is not plain ASCII, a `\u` escape other than a control
 * character's, nesting over 64 deep) answers false, and the
 * caller parses, which decides. So it only ever answers true for a text
 * that `canonicalJson(JSON.parse(text)) === text` accepts too, given valid
 * UTF-8 (the caller's check).
 *
 * @module
 */
import { hexDigit, SHORT_CONTROLS, SHORT_ESCAPES } from './canonical-object-scan.js'

/**
 * Where the members of one object were found, and the layout they share
 * with the objects walked before: reused from call to call.
 */
export class MemberSpans {
  /** Members found by the last walk that succeeded; the spans are only meaningful after one. */
  count = 0
  /** Offsets of each key's first byte after its opening quote, and of its closing quote. */
  keyStart = new Int32Array(32)
  keyEnd = new Int32Array(32)
  /** Offsets of each value's first byte and just past its last. */
  valueStart = new Int32Array(32)
  valueEnd = new Int32Array(32)
  /** The key of each member: the strings are kept while the same keys come back. */
  readonly names: string[] = []
  /** The first byte of each value, which says its type. */
  readonly kinds: number[] = []
  /**
   * Changes whenever a key, a value's first byte or the number of members
   * differs from the walk before: an unchanged version means the same keys,
   * in the same order, with values of the same types.
   */
  version = 0
  /** The version the last successful walk ended with: its keys were found sorted. */
  sortedVersion = -1
  private readonly keyBytes: Uint8Array[] = []

  /** The bytes of the key member `n` had in the walk before (or none). */
  knownKey(n: number): Uint8Array | undefined {
    return this.keyBytes[n]
  }

  /** Records a key that differs from the one before at `n`. */
  rename(n: number, bytes: Uint8Array, from: number, to: number): void {
    // A copy: the bytes walked are a reused buffer, which the next object overwrites.
    this.keyBytes[n] = Uint8Array.from(bytes.subarray(from, to))
    this.names[n] = Buffer.from(bytes.buffer, bytes.byteOffset + from, to - from).toString('latin1')
    this.version++
  }

  /** Ends a successful walk that found `count` members. */
  finish(count: number): void {
    this.count = count
    // Setting an array's length costs even when it does not change: only a new count pays it.
    if (this.names.length !== count || this.keyBytes.length !== count) {
      this.version++
      this.names.length = count
      this.kinds.length = count
      // Keys past the end are forgotten: a later, longer object names them anew.
      this.keyBytes.length = count
    }
    this.sortedVersion = this.version
  }

  /** Makes room for one more member. */
  grow(): void {
    const size = this.keyStart.length * 2
    for (const name of ['keyStart', 'keyEnd', 'valueStart', 'valueEnd'] as const) {
      const wider = new Int32Array(size)
      wider.set(this[name])
      this[name] = wider
    }
  }
}

const QUOTE = 0x22
const BACKSLASH = 0x5c
const COLON = 0x3a
const COMMA = 0x2c
const OPEN_BRACE = 0x7b
const CLOSE_BRACE = 0x7d
const OPEN_BRACKET = 0x5b
const CLOSE_BRACKET = 0x5d
// Nesting deeper than this is left to a full parse.
const MAX_DEPTH = 64

/**
 * Finds the members of the object that `bytes[start, end)` holds when that
 * text is canonical JSON; false when it is not, or the walk cannot tell.
 */
export function findMembers(bytes: Uint8Array, start: number, end: number, spans: MemberSpans): boolean {
  if (end - start < 2 || bytes[start] !== OPEN_BRACE || bytes[end - 1] !== CLOSE_BRACE) return false
  if (end - start === 2) {
    spans.finish(0)
    return true
  }
  let i = start + 1
  for (let n = 0; ; n++) {
    if (bytes[i] !== QUOTE) return false
    const keyStart = i + 1
    i = keyEndOf(bytes, keyStart, end, spans, n)
    if (i < 0 || bytes[i + 1] !== COLON) return false
    // Nothing changed yet from the last walk: these keys were found in order then.
    const known = spans.version === spans.sortedVersion
    if (n > 0 && !known && !before(bytes, spans.keyStart[n - 1]!, spans.keyEnd[n - 1]!, keyStart, i))
      return false
    if (n === spans.keyStart.length) spans.grow()
    spans.keyStart[n] = keyStart
    spans.keyEnd[n] = i
    spans.valueStart[n] = i + 2
    const kind = bytes[i + 2]!
    if (spans.kinds[n] !== kind) {
      spans.kinds[n] = kind
      spans.version++
    }
    i = skipValue(bytes, i + 2, end, 1)
    if (i < 0) return false
    spans.valueEnd[n] = i
    if (i === end - 1) {
      spans.finish(n + 1)
      return true
    }
    if (bytes[i] !== COMMA) return false
    i++
  }
}

/**
 * The offset of the closing quote of the key starting at `from`, or -1.
 * Records the key when it is not the one member `n` had in the walk before.
 */
function keyEndOf(bytes: Uint8Array, from: number, end: number, spans: MemberSpans, n: number): number {
  const known = spans.knownKey(n)
  if (known !== undefined && from + known.length < end) {
    let k = 0
    while (k < known.length && bytes[from + k] === known[k]) k++
    // The same key as before: its bytes were checked when it was first seen.
    if (k === known.length && bytes[from + k] === QUOTE) return from + k
  }
  let i = from
  while (i < end && bytes[i] !== QUOTE) {
    if (!isKeyByte(bytes[i]!)) return -1
    i++
  }
  if (i >= end) return -1
  spans.rename(n, bytes, from, i)
  return i
}

/**
 * Keys are printable ASCII without an escape: their canonical order is then
 * their byte order (beyond ASCII, UTF-16 and UTF-8 orders can differ).
 */
function isKeyByte(c: number): boolean {
  return c >= 0x20 && c < 0x7f && c !== BACKSLASH
}

/** Whether the key `a` sorts strictly before the key `b` (both checked ASCII). */
function before(bytes: Uint8Array, a: number, aEnd: number, b: number, bEnd: number): boolean {
  for (; a < aEnd && b < bEnd; a++, b++) {
    if (bytes[a] !== bytes[b]) return bytes[a]! < bytes[b]!
  }
  return aEnd - a < bEnd - b
}

/** The offset just past the canonical value at `i`, or -1. */
function skipValue(bytes: Uint8Array, i: number, end: number, depth: number): number {
  if (i >= end) return -1
  const c = bytes[i]
  if (c === QUOTE) return skipString(bytes, i, end)
  if (c === OPEN_BRACE) return depth < MAX_DEPTH ? skipObject(bytes, i, end, depth + 1) : -1
  if (c === OPEN_BRACKET) return depth < MAX_DEPTH ? skipArray(bytes, i, end, depth + 1) : -1
  if (c === 0x74) return literal(bytes, i, end, TRUE)
  if (c === 0x66) return literal(bytes, i, end, FALSE)
  if (c === 0x6e) return literal(bytes, i, end, NULL)
  return skipNumber(bytes, i, end)
}

const TRUE = [0x74, 0x72, 0x75, 0x65]
const FALSE = [0x66, 0x61, 0x6c, 0x73, 0x65]
const NULL = [0x6e, 0x75, 0x6c, 0x6c]

function literal(bytes: Uint8Array, i: number, end: number, word: readonly number[]): number {
  if (i + word.length > end) return -1
  for (let k = 0; k < word.length; k++) if (bytes[i + k] !== word[k]) return -1
  return i + word.length
}

/**
 * A number as `String(n)` writes it (the shortest text that reads back as
 * `n`, no `-0`), which is always valid JSON. Plain decimals of up to 15
 * significant digits are checked from their digits; other numbers are read
 * and written back.
 */
function skipNumber(bytes: Uint8Array, i: number, end: number): number {
  const from = bytes[i] === 0x2d ? i + 1 : i
  const point = digitsFrom(bytes, from, end)
  const digits = point - from
  if (digits === 0 || (bytes[from] === 0x30 && digits > 1)) return -1
  let k = point
  let fraction = 0
  if (k < end && bytes[k] === 0x2e) {
    k = digitsFrom(bytes, k + 1, end)
    // A point with no digit after it is not plain: read below, and refused.
    fraction = k - point - 1 || -1
  }
  const stop = k
  while (k < end && isNumberByte(bytes[k]!)) k++
  if (k === stop && fraction >= 0 && plainDecimal(bytes, from, digits, fraction, from > i)) return k
  const token = Buffer.from(bytes.buffer, bytes.byteOffset + i, k - i).toString('latin1')
  return String(Number(token)) === token ? k : -1
}

/**
 * Whether digits, a point and more digits (or none) are `String(n)`'s own
 * text: at most 15 significant digits (so no shorter text reads back as the
 * same number), no trailing zero after the point, no `-0`, and not small
 * enough for `String` to write an exponent.
 */
function plainDecimal(
  bytes: Uint8Array,
  from: number,
  digits: number,
  fraction: number,
  negative: boolean,
): boolean {
  const zeroInteger = digits === 1 && bytes[from] === 0x30
  if (fraction === 0) return digits <= 15 && !(zeroInteger && negative)
  const last = from + digits + fraction
  if (bytes[last] === 0x30) return false
  if (!zeroInteger) return digits + fraction <= 15
  let zeros = 0
  while (bytes[from + 2 + zeros] === 0x30) zeros++
  return zeros < 6 && fraction - zeros <= 15
}

function digitsFrom(bytes: Uint8Array, k: number, end: number): number {
  while (k < end && bytes[k]! >= 0x30 && bytes[k]! <= 0x39) k++
  return k
}

// . + - e E and digits
function isNumberByte(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x2b || c === 0x2d || c === 0x65 || c === 0x45
}

/**
 * The offset just past the string opening at `i`, or -1: characters as they
 * are, except `"`, `\` and the control characters, each in its one
 * canonical escape.
 */
function skipString(bytes: Uint8Array, i: number, end: number): number {
  for (i++; i < end; i++) {
    const c = bytes[i]!
    // One table lookup per ordinary character.
    if (IN_STRING[c] === ORDINARY) continue
    if (c === QUOTE) return i + 1
    if (c !== BACKSLASH) return -1
    const length = escapeLength(bytes, i, end)
    if (length === 0) return -1
    i += length - 1
  }
  return -1
}

const ORDINARY = 0
/** Bytes that end a string or need a look inside one: the quote, the backslash and control characters. */
const IN_STRING = new Uint8Array(256).map((_, c) =>
  c === QUOTE || c === BACKSLASH || c < 0x20 ? 1 : ORDINARY,
)

/** The length of the canonical escape at `i` (a backslash), or 0 when it is not one. */
function escapeLength(bytes: Uint8Array, i: number, end: number): number {
  if (i + 1 >= end) return 0
  if (SHORT_ESCAPES.has(bytes[i + 1]!)) return 2
  // \u00XX for the other control characters only, lower-case hex.
  if (i + 5 >= end || bytes[i + 1] !== 0x75 || bytes[i + 2] !== 0x30 || bytes[i + 3] !== 0x30) return 0
  const high = bytes[i + 4]!
  const low = hexDigit(bytes[i + 5]!)
  if ((high !== 0x30 && high !== 0x31) || low < 0) return 0
  return SHORT_CONTROLS.has((high - 0x30) * 16 + low) ? 0 : 6
}

// Every structural byte is read below `end`: what follows the text in its buffer is not part of it.
function skipObject(bytes: Uint8Array, i: number, end: number, depth: number): number {
  i++
  if (i < end && bytes[i] === CLOSE_BRACE) return i + 1
  let previous = -1
  let previousEnd = -1
  for (;;) {
    if (i >= end || bytes[i] !== QUOTE) return -1
    const key = i + 1
    for (i = key; i < end && bytes[i] !== QUOTE; i++) if (!isKeyByte(bytes[i]!)) return -1
    if (i + 1 >= end || bytes[i + 1] !== COLON) return -1
    if (previous >= 0 && !before(bytes, previous, previousEnd, key, i)) return -1
    previous = key
    previousEnd = i
    i = skipValue(bytes, i + 2, end, depth)
    if (i < 0 || i >= end) return -1
    const c = bytes[i++]
    if (c === CLOSE_BRACE) return i
    if (c !== COMMA) return -1
  }
}

function skipArray(bytes: Uint8Array, i: number, end: number, depth: number): number {
  i++
  if (i < end && bytes[i] === CLOSE_BRACKET) return i + 1
  for (;;) {
    i = skipValue(bytes, i, end, depth)
    if (i < 0 || i >= end) return -1
    const c = bytes[i++]
    if (c === CLOSE_BRACKET) return i
    if (c !== COMMA) return -1
  }
}

/** Whether `bytes[from, to)` holds exactly the characters of `text`, one byte each (so only ASCII ever matches). */
export function bytesAre(bytes: Uint8Array, from: number, to: number, text: string): boolean {
  if (to - from !== text.length) return false
  for (let i = 0; i < text.length; i++) if (bytes[from + i] !== text.charCodeAt(i)) return false
  return true
}
