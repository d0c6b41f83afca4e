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
const MAX_DEPTH = 1000

/** Canonical JSON text of `value`. Throws on values JSON cannot represent (NaN, Infinity, bigint, functions, cycles). */
export function canonicalJson(value: unknown): string {
  return write(value, 0)
}

function write(value: unknown, depth: number): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value)
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonical JSON cannot represent ${value}`)
      return Object.is(value, -0) ? '0' : String(value)
    case 'boolean':
      return value ? 'true' : 'false'
    case 'object': {
      if (value === null) return 'null'
      if (depth > MAX_DEPTH)
        throw new TypeError('canonical JSON cannot represent a cycle (or nesting deeper than 1000)')
      const toJSON = (value as { toJSON?: unknown }).toJSON
      if (typeof toJSON === 'function') return write(toJSON.call(value), depth + 1)
      if (Array.isArray(value)) {
        let out = '['
        for (let i = 0; i < value.length; i++) {
          if (i > 0) out += ','
          const item: unknown = value[i]
          out +=
            item === undefined || typeof item === 'function' || typeof item === 'symbol'
              ? 'null'
              : write(item, depth + 1)
        }
        return `${out}]`
      }
      const record = value as Record<string, unknown>
      const keys = Object.keys(record).sort()
      let out = '{'
      let first = true
      for (const key of keys) {
        const item = record[key]
        if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue
        if (!first) out += ','
        first = false
        out += `${JSON.stringify(key)}:${write(item, depth + 1)}`
      }
      return `${out}}`
    }
    default:
      throw new TypeError(`canonical JSON cannot represent a ${typeof value}`)
  }
}
