/**
 * Reads a JSON object's top-level members straight from its text when that
 * text is already canonical (RFC 8785, as `canonicalJson` writes it),
 * without building the object and serialising it again.
 *
 * @remarks Verifying an audit log is dominated by `JSON.parse` followed by
 * `canonicalJson` to prove a line canonical, and by the garbage both
 * leave. One pass over the characters proves the same thing for the texts
 * the chain actually holds. The scan is deliberately partial: whatever it is
 * not sure of (an escape other than the canonical ones, a lone surrogate,
 * a key with an escape, deep nesting, any non-canonical text) it
 * answers `null`, and the caller takes the full path, which then decides and
 * words the problem exactly as before. So an answer is only ever given for a
 * text that `canonicalJson(JSON.parse(text)) === text` accepts too.
 *
 * @module
 */
/** Stands for a nested object among the members: its content was checked, not built. */
export const NESTED_OBJECT: Readonly<Record<string, never>> = Object.freeze({})
/** Stands for a nested array among the members: its content was checked, not built. */
export const NESTED_ARRAY: readonly never[] = Object.freeze([])

/** What {@link scanCanonicalObject} reads from a canonical object text. */
export interface CanonicalObjectScan {
  /** The top-level keys in order: sorted, without duplicates. */
  readonly keys: readonly string[]
  /**
   * The value of each key: strings, numbers, booleans and null as
   * `JSON.parse` gives them, nested objects and arrays as
   * {@link NESTED_OBJECT} and {@link NESTED_ARRAY}.
   */
  readonly values: readonly unknown[]
  /** The canonical text of the object without the omitted members (`canonicalJsonOmitting`'s `rest`). */
  readonly rest: string
}

// Nesting deeper than this is left to the full path (which also decides what a cycle-deep value means).
const MAX_DEPTH = 64
const FAIL = Symbol('not canonical')
const NO_OMIT: ReadonlySet<string> = new Set()

/**
 * The members of `text` when it is exactly the canonical JSON of an object,
 * with the canonical text of that object without the members named in
 * `omit`; null when it is not, or when the scan cannot tell (the caller
 * then parses and re-serialises).
 */
export function scanCanonicalObject(
  text: string,
  omit: ReadonlySet<string> = NO_OMIT,
): CanonicalObjectScan | null {
  return new Scanner(text).object(omit)
}

class Scanner {
  private pos = 0
  /** Whether the string just scanned held an escape. */
  private escaped = false

  constructor(private readonly t: string) {}

  object(omit: ReadonlySet<string>): CanonicalObjectScan | null {
    const t = this.t
    if (t.charCodeAt(0) !== 0x7b) return null
    // Two arrays rather than an object: storing two dozen keys on a fresh object costs more than the scan.
    const keys: string[] = []
    const values: unknown[] = []
    if (t.length === 2 && t.charCodeAt(1) === 0x7d) return { keys, values, rest: '{}' }
    let rest = ''
    let runStart = -1
    let runEnd = -1
    let previous: string | undefined
    this.pos = 1
    for (let index = 0; ; index++) {
      const start = this.pos
      const key = this.knownKey(index, previous) ?? this.key(previous)
      if (key === null) return null
      knownKeys[index] = key
      const value = this.topValue()
      if (value === FAIL) return null
      keys.push(key)
      values.push(value)
      previous = key
      // Kept members run together in the text, commas included: cut only around omitted ones.
      if (omit.has(key)) {
        if (runStart >= 0) rest += rest === '' ? t.slice(runStart, runEnd) : `,${t.slice(runStart, runEnd)}`
        runStart = -1
      } else {
        if (runStart < 0) runStart = start
        runEnd = this.pos
      }
      const c = t.charCodeAt(this.pos++)
      if (c === 0x7d) break
      if (c !== 0x2c) return null
    }
    if (this.pos !== t.length) return null
    if (runStart >= 0) rest += rest === '' ? t.slice(runStart, runEnd) : `,${t.slice(runStart, runEnd)}`
    return { keys, values, rest: `{${rest}}` }
  }

  /**
   * The key at `index` when it is the one the last object scanned had there
   * (it has passed every check then), and its colon. Audit events all have
   * the same keys: reusing the string saves a copy per key and line.
   */
  private knownKey(index: number, previous: string | undefined): string | null {
    const known = knownKeys[index]
    const t = this.t
    const at = this.pos + 1
    if (known === undefined || t.charCodeAt(this.pos) !== 0x22) return null
    const end = at + known.length
    if (t.charCodeAt(end) !== 0x22 || t.charCodeAt(end + 1) !== 0x3a) return null
    if (!t.startsWith(known, at)) return null
    if (previous !== undefined && !(previous < known)) return null
    this.pos = end + 2
    return known
  }

  /** A key and its colon; null unless it sorts strictly after `previous` (no duplicates) and has no escape. */
  private key(previous: string | undefined): string | null {
    const start = this.pos
    if (this.t.charCodeAt(start) !== 0x22 || !this.string() || this.escaped) return null
    const key = this.t.slice(start + 1, this.pos - 1)
    if (previous !== undefined && !(previous < key)) return null
    return this.t.charCodeAt(this.pos++) === 0x3a ? key : null
  }

  /** A top-level member's value, or FAIL. */
  private topValue(): unknown {
    const t = this.t
    const start = this.pos
    switch (t.charCodeAt(start)) {
      case 0x22:
        if (!this.string()) return FAIL
        return this.escaped ? JSON.parse(t.slice(start, this.pos)) : t.slice(start + 1, this.pos - 1)
      case 0x7b:
        return this.value(1) ? NESTED_OBJECT : FAIL
      case 0x5b:
        return this.value(1) ? NESTED_ARRAY : FAIL
      default: {
        if (!this.value(1)) return FAIL
        const token = t.slice(start, this.pos)
        return token === 'true' ? true : token === 'false' ? false : token === 'null' ? null : Number(token)
      }
    }
  }

  /** Skips one canonical value. */
  private value(depth: number): boolean {
    const t = this.t
    const c = t.charCodeAt(this.pos)
    if (c === 0x22) return this.string()
    if (c === 0x7b) return this.nestedObject(depth)
    if (c === 0x5b) return this.array(depth)
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return this.number()
    for (const literal of LITERALS) {
      if (t.startsWith(literal, this.pos)) {
        this.pos += literal.length
        return true
      }
    }
    return false
  }

  private nestedObject(depth: number): boolean {
    if (depth > MAX_DEPTH) return false
    const t = this.t
    this.pos++
    if (t.charCodeAt(this.pos) === 0x7d) {
      this.pos++
      return true
    }
    let previous: string | undefined
    for (;;) {
      const key = this.key(previous)
      if (key === null || !this.value(depth + 1)) return false
      previous = key
      const c = t.charCodeAt(this.pos++)
      if (c === 0x7d) return true
      if (c !== 0x2c) return false
    }
  }

  private array(depth: number): boolean {
    if (depth > MAX_DEPTH) return false
    const t = this.t
    this.pos++
    if (t.charCodeAt(this.pos) === 0x5d) {
      this.pos++
      return true
    }
    for (;;) {
      if (!this.value(depth + 1)) return false
      const c = t.charCodeAt(this.pos++)
      if (c === 0x5d) return true
      if (c !== 0x2c) return false
    }
  }

  /**
   * A number written as `String(n)` writes it: the shortest round trip, no
   * `-0`. Every such text is a JSON number that parses back to `n`.
   */
  private number(): boolean {
    const t = this.t
    const start = this.pos
    let i = start
    for (let c = t.charCodeAt(i); isNumberChar(c); c = t.charCodeAt(++i));
    const token = t.slice(start, i)
    this.pos = i
    return String(Number(token)) === token
  }

  /**
   * A string as `JSON.stringify` writes it: characters as they are, except
   * `"` and `\` and the control characters, escaped in their one canonical
   * form. Surrogates must come in pairs (a lone one is left to the full path).
   */
  private string(): boolean {
    const t = this.t
    const n = t.length
    let i = this.pos + 1
    this.escaped = false
    while (i < n) {
      const c = t.charCodeAt(i)
      if (c === 0x22) {
        this.pos = i + 1
        return true
      }
      if (c === 0x5c) {
        const length = escapeLength(t, i)
        if (length === 0) return false
        this.escaped = true
        i += length
      } else if (c < 0x20) {
        return false
      } else if (c >= 0xd800 && c <= 0xdfff) {
        const d = t.charCodeAt(i + 1)
        if (c >= 0xdc00 || !(d >= 0xdc00 && d <= 0xdfff)) return false
        i += 2
      } else i++
    }
    return false
  }
}

const LITERALS = ['true', 'false', 'null'] as const

/** The top-level keys of the last object scanned, by position: only strings that passed as keys. */
const knownKeys: string[] = []

function isNumberChar(c: number): boolean {
  // 0-9 . - + e E
  return (c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x2d || c === 0x2b || c === 0x65 || c === 0x45
}

// `"` `\` b f n r t: the escapes JSON.stringify writes with a letter.
export const SHORT_ESCAPES: ReadonlySet<number> = new Set([0x22, 0x5c, 0x62, 0x66, 0x6e, 0x72, 0x74])
// Control characters with a short escape: JSON.stringify never writes them as \u00XX.
export const SHORT_CONTROLS: ReadonlySet<number> = new Set([0x08, 0x09, 0x0a, 0x0c, 0x0d])

/** The length of the canonical escape at `i` (a backslash), or 0 when it is not one. */
function escapeLength(t: string, i: number): number {
  const e = t.charCodeAt(i + 1)
  if (SHORT_ESCAPES.has(e)) return 2
  // \u00XX for the other control characters only, lower-case hex.
  if (e !== 0x75 || t.charCodeAt(i + 2) !== 0x30 || t.charCodeAt(i + 3) !== 0x30) return 0
  const high = t.charCodeAt(i + 4)
  const low = hexDigit(t.charCodeAt(i + 5))
  if ((high !== 0x30 && high !== 0x31) || low < 0) return 0
  return SHORT_CONTROLS.has((high - 0x30) * 16 + low) ? 0 : 6
}

/** The value of a lower-case hex digit's code, or -1. */
export function hexDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10
  return -1
}
