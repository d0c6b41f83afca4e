/**
 * RFC 8785 JSON Canonicalization Scheme (JCS).
 *
 * @remarks Numbers use ECMAScript's shortest round-trip form, which is what
 * RFC 8785 specifies, so `String(n)` is exact here. Object keys are sorted by
 * UTF-16 code units, again as the RFC requires (not by code point).
 *
 * @module
 */

/** Canonical JSON text of `value`. Throws on values JSON cannot represent (NaN, Infinity, bigint, functions, cycles). */
export function canonicalJson(value: unknown): string {
  return write(value, new Set())
}

function write(value: unknown, seen: Set<object>): string {
  if (value === null) return 'null'
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false'
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonical JSON cannot represent ${value}`)
      return Object.is(value, -0) ? '0' : String(value)
    case 'string':
      return JSON.stringify(value)
    case 'object': {
      if (seen.has(value)) throw new TypeError('canonical JSON cannot represent a cycle')
      const toJSON = (value as { toJSON?: unknown }).toJSON
      if (typeof toJSON === 'function') return write(toJSON.call(value), seen)
      seen.add(value)
      try {
        if (Array.isArray(value)) {
          return `[${value.map((v) => (v === undefined || typeof v === 'function' ? 'null' : write(v, seen))).join(',')}]`
        }
        const entries = Object.entries(value as Record<string, unknown>)
          .filter(([, v]) => v !== undefined && typeof v !== 'function' && typeof v !== 'symbol')
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${write(v, seen)}`).join(',')}}`
      } finally {
        seen.delete(value)
      }
    }
    default:
      throw new TypeError(`canonical JSON cannot represent a ${typeof value}`)
  }
}
