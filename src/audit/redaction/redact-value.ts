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
  /** How many values this walk has masked so far; tells whether JSON found inside a string held a secret. */
  masked: number
}

// JSON documents inside strings are parsed and walked only up to this size;
// longer ones are still scanned as text.
const MAX_EMBEDDED_JSON = 1_000_000

// Fields that name the value beside them: `{name: 'Authorization', value: '...'}`
// (HTTP header lists, Kubernetes env vars, HAR files, AWS tag lists).
const NAME_FIELDS = new Set(['name', 'key', 'header', 'field', 'param', 'parameter', 'variable'])
const VALUE_FIELDS = new Set(['value', 'values'])
const MAX_NAME_LENGTH = 200

/**
 * The redacted form of a string: scanned as text, then, when it holds a JSON
 * object or array, parsed and walked like any other value. The text result is
 * kept (with its formatting) unless the walk finds more to mask, such as a
 * whole object under a sensitive key; then the walked value is written back
 * as JSON.
 */
export function redactText(w: Walk, text: string, depth: number): string {
  const scanned = w.redactString(text)
  if (scanned !== text) w.masked++
  if (depth >= w.maxDepth) return scanned
  // Should the text scan have broken a document's syntax, the original is walked instead.
  const embedded = parseEmbeddedJson(scanned) ?? (scanned === text ? undefined : parseEmbeddedJson(text))
  if (embedded === undefined) return scanned
  const before = w.masked
  const out = walk(w, embedded, depth + 1)
  return w.masked === before ? scanned : JSON.stringify(out)
}

function parseEmbeddedJson(text: string): object | undefined {
  if (text.length < 2 || text.length > MAX_EMBEDDED_JSON) return undefined
  const trimmed = text.trim()
  const first = trimmed[0]
  const last = trimmed[trimmed.length - 1]
  if (!((first === '{' && last === '}') || (first === '[' && last === ']'))) return undefined
  try {
    const parsed: unknown = JSON.parse(trimmed)
    return typeof parsed === 'object' && parsed !== null ? parsed : undefined
  } catch {
    return undefined
  }
}

/** The redacted copy of `value` at nesting `depth`; `undefined` for values JSON drops. */
export function walk(w: Walk, value: unknown, depth: number): unknown {
  switch (typeof value) {
    case 'string':
      return redactText(w, value, depth)
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
  if (obj instanceof RegExp) return redactText(w, String(obj), depth)
  if (obj instanceof Error) {
    const out = walkEntries(w, Object.entries(obj), depth)
    return { name: redactText(w, obj.name, depth), message: redactText(w, obj.message, depth), ...out }
  }
  const toJSON = (obj as { toJSON?: unknown }).toJSON
  if (typeof toJSON === 'function') {
    const json: unknown = toJSON.call(obj, '')
    if (json !== obj) return walk(w, json, depth)
  }
  return walkEntries(w, Object.entries(obj), depth)
}

function walkList(w: Walk, list: readonly unknown[], depth: number): unknown[] {
  // A `[name, value]` pair, as in header lists (`[["X-Api-Key", "..."]]`).
  const name = list[0]
  if (
    list.length === 2 &&
    typeof name === 'string' &&
    name.length <= MAX_NAME_LENGTH &&
    w.isSensitiveKey(name)
  ) {
    w.masked++
    return [redactText(w, name, depth + 1), w.mask]
  }
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
  const namesSecret = namesSensitiveValue(w, entries)
  for (const [key, child] of entries) {
    if (child === undefined) continue
    const masked = w.isSensitiveKey(key) || (namesSecret && VALUE_FIELDS.has(key.toLowerCase()))
    if (masked && child !== w.mask) w.masked++
    const item = masked ? w.mask : walk(w, child, depth + 1)
    if (item === undefined) continue
    // A plain assignment to `__proto__` would change the prototype instead.
    Object.defineProperty(out, key, { value: item, enumerable: true, writable: true, configurable: true })
  }
  return out
}

/** Whether the entries are a name/value pair whose name is a sensitive key. */
function namesSensitiveValue(w: Walk, entries: readonly (readonly [string, unknown])[]): boolean {
  for (const [key, child] of entries) {
    if (typeof child !== 'string' || child.length > MAX_NAME_LENGTH) continue
    if (NAME_FIELDS.has(key.toLowerCase()) && w.isSensitiveKey(child)) return true
  }
  return false
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
