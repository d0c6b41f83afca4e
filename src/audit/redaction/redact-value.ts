/**
 * Object walking: a JSON-safe copy of any value with sensitive keys masked
 * whole and every string scanned. Cycles, depth, binary data, hostile getters
 * and non-JSON types each have a fixed, documented stand-in.
 *
 * @module
 */

/** Stands in for a reference back to an enclosing object. */
export const CIRCULAR_MARKER = '[Circular]'

/** Stands in for everything nested deeper than the depth limit. */
export const TRUNCATED_MARKER = '[Truncated]'

/** What one walk needs: the redactor's rules, and the objects currently being walked (for cycles). */
export interface Walk {
  readonly mask: string
  readonly maxDepth: number
  readonly isSensitiveKey: (key: string) => boolean
  readonly redactString: (text: string) => string
  readonly ancestors: Set<object>
}

/** The redacted copy of `value` at nesting `depth`; `undefined` for values JSON drops. */
export function walk(w: Walk, value: unknown, depth: number): unknown {
  switch (typeof value) {
    case 'string':
      return w.redactString(value)
    case 'number':
      return Number.isFinite(value) ? value : null
    case 'boolean':
      return value
    case 'bigint':
      return value.toString()
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined
  }
  if (value === null) return null
  const obj = value as object
  if (w.ancestors.has(obj)) return CIRCULAR_MARKER
  if (depth >= w.maxDepth) return TRUNCATED_MARKER
  w.ancestors.add(obj)
  try {
    return walkObject(w, obj, depth)
  } catch {
    // Hostile getters, proxies and toJSON methods must not take the audit
    // write down with them, nor leak what they guard.
    return '[Unreadable]'
  } finally {
    w.ancestors.delete(obj)
  }
}

function walkObject(w: Walk, obj: object, depth: number): unknown {
  if (Array.isArray(obj)) return walkList(w, obj, depth)
  if (obj instanceof Date) return Number.isNaN(obj.getTime()) ? null : obj.toISOString()
  if (ArrayBuffer.isView(obj) || obj instanceof ArrayBuffer || obj instanceof SharedArrayBuffer) {
    // Bytes cannot be scanned for secrets, so they are summarised, not copied.
    return `[Binary: ${obj.byteLength} bytes]`
  }
  if (obj instanceof Map) return walkMap(w, obj, depth)
  if (obj instanceof Set) return walkList(w, [...obj], depth)
  if (obj instanceof String || obj instanceof Number || obj instanceof Boolean) {
    return walk(w, obj.valueOf(), depth)
  }
  if (obj instanceof RegExp) return w.redactString(String(obj))
  if (obj instanceof Error) {
    const out = walkEntries(w, Object.entries(obj), depth)
    return { name: w.redactString(obj.name), message: w.redactString(obj.message), ...out }
  }
  const toJSON = (obj as { toJSON?: unknown }).toJSON
  if (typeof toJSON === 'function') {
    const json: unknown = toJSON.call(obj, '')
    if (json !== obj) return walk(w, json, depth)
  }
  return walkEntries(w, Object.entries(obj), depth)
}

function walkList(w: Walk, list: readonly unknown[], depth: number): unknown[] {
  const out = new Array<unknown>(list.length)
  for (let i = 0; i < list.length; i++) {
    const item = walk(w, list[i], depth + 1)
    out[i] = item === undefined ? null : item
  }
  return out
}

function walkEntries(
  w: Walk,
  entries: readonly (readonly [string, unknown])[],
  depth: number,
): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [key, child] of entries) {
    if (child === undefined) continue
    const item = w.isSensitiveKey(key) ? w.mask : walk(w, child, depth + 1)
    if (item === undefined) continue
    // A plain assignment to `__proto__` would change the prototype instead.
    Object.defineProperty(out, key, { value: item, enumerable: true, writable: true, configurable: true })
  }
  return out
}

function walkMap(w: Walk, map: Map<unknown, unknown>, depth: number): unknown {
  const entries: [string, unknown][] = []
  for (const [k, v] of map) {
    if (typeof k !== 'string' && typeof k !== 'number' && typeof k !== 'bigint' && typeof k !== 'boolean') {
      // Keys that are not primitives cannot become object keys faithfully.
      return walkList(
        w,
        [...map].map(([key, val]) => [key, val]),
        depth,
      )
    }
    entries.push([String(k), v])
  }
  return walkEntries(w, entries, depth)
}
