/**
 * RFC 8785 JSON Canonicalization Scheme (JCS).
 *
 * @remarks Numbers use ECMAScript's shortest round-trip form, which is what
 * RFC 8785 specifies, so `String(n)` is exact here. Object keys are sorted by
 * UTF-16 code units, again as the RFC requires (not by code point), which is
 * what `Array.prototype.sort` does for strings by default.
 *
 * This runs for every audit event, so it avoids intermediate arrays and
 * detects cycles by depth rather than with a set of visited objects.
 *
 * @module
 */

/** Deeper than this is treated as a cycle: no legitimate audit payload nests this far. */
export const MAX_CANONICAL_DEPTH = 1000

/** Printable ASCII other than `"` and `\`: such a string is its own JSON text between quotes. */
const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/

// Most keys and values are plain ASCII; quoting those directly halves the
// cost of canonicalising an event. Anything else goes through
// JSON.stringify, whose escaping is exactly what RFC 8785 prescribes.
function quote(text: string): string {
  return PLAIN.test(text) ? `"${text}"` : JSON.stringify(text)
}

/** Set by {@link canonicalJson} when the text does not read back as the same value. */
export interface CanonicalInfo {
  /** A `toJSON` was called, a member was dropped, or an array hole or -0 was rewritten. */
  lossy: boolean
}

/**
 * Canonical JSON text of `value`. Throws on values JSON cannot represent
 * (NaN, Infinity, bigint, cycles, containers nested below `maxDepth`: the
 * outermost is at depth 0). Pass `info` to learn whether parsing the text
 * would give back a different value.
 */
export function canonicalJson(
  value: unknown,
  info?: CanonicalInfo,
  maxDepth: number = MAX_CANONICAL_DEPTH,
): string {
  return write(value, 0, info, maxDepth)
}

function write(value: unknown, depth: number, info: CanonicalInfo | undefined, maxDepth: number): string {
  switch (typeof value) {
    case 'string':
      return quote(value)
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonical JSON cannot represent ${value}`)
      if (Object.is(value, -0)) {
        if (info) info.lossy = true
        return '0'
      }
      return String(value)
    case 'boolean':
      return value ? 'true' : 'false'
    case 'object': {
      if (value === null) return 'null'
      if (depth > maxDepth)
        throw new TypeError(`canonical JSON cannot represent a cycle (or nesting deeper than ${maxDepth})`)
      const toJSON = (value as { toJSON?: unknown }).toJSON
      if (typeof toJSON === 'function') {
        if (info) info.lossy = true
        return write(toJSON.call(value), depth + 1, info, maxDepth)
      }
      if (Array.isArray(value)) {
        let out = '['
        for (let i = 0; i < value.length; i++) {
          if (i > 0) out += ','
          const item: unknown = value[i]
          if (item === undefined || typeof item === 'function' || typeof item === 'symbol') {
            if (info) info.lossy = true
            out += 'null'
          } else out += write(item, depth + 1, info, maxDepth)
        }
        return `${out}]`
      }
      const record = value as Record<string, unknown>
      const keys = Object.keys(record).sort()
      let out = '{'
      let first = true
      for (const key of keys) {
        const item = record[key]
        if (item === undefined || typeof item === 'function' || typeof item === 'symbol') {
          if (info) info.lossy = true
          continue
        }
        if (!first) out += ','
        first = false
        out += `${quote(key)}:${write(item, depth + 1, info, maxDepth)}`
      }
      return `${out}}`
    }
    default:
      throw new TypeError(`canonical JSON cannot represent a ${typeof value}`)
  }
}

/** {@link canonicalJsonOmitting}'s two texts. */
export interface CanonicalSplit {
  /** Canonical JSON of the whole object. */
  readonly whole: string
  /** Canonical JSON of the object without the omitted members. */
  readonly rest: string
}

/**
 * Canonical JSON of a plain object, and of the same object without the
 * members named in `omit`, serialising each member once: an audit line and
 * the body its hash covers, for the price of one.
 *
 * @remarks For values as `JSON.parse` returns them: a top-level `toJSON`
 * is not called here, unlike in {@link canonicalJson}.
 */
export function canonicalJsonOmitting(
  record: Record<string, unknown>,
  omit: ReadonlySet<string>,
): CanonicalSplit {
  let whole = ''
  let rest = ''
  for (const key of Object.keys(record).sort()) {
    const item = record[key]
    if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue
    const member = `${quote(key)}:${write(item, 1, undefined, MAX_CANONICAL_DEPTH)}`
    whole += whole === '' ? member : `,${member}`
    if (!omit.has(key)) rest += rest === '' ? member : `,${member}`
  }
  return { whole: `{${whole}}`, rest: `{${rest}}` }
}
