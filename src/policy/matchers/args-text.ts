/**
 * agent-action-policy's flattening of tool arguments into one string, so its
 * `args_pattern` regexes see the same text they were written against.
 *
 * @module
 */

const NON_PRINTABLE = /[\p{C}\p{Z}]/u

function hex(code: number, width: number): string {
  return code.toString(16).padStart(width, '0')
}

function escapeChar(c: string): string {
  const code = c.codePointAt(0)!
  if (code < 0x100) return `\\x${hex(code, 2)}`
  if (code < 0x10000) return `\\u${hex(code, 4)}`
  return `\\U${hex(code, 8)}`
}

/** Python `repr()` of a string: single quotes unless only double quotes avoid escaping. */
export function pythonStringRepr(value: string): string {
  const quote = value.includes("'") && !value.includes('"') ? '"' : "'"
  let out = quote
  for (const c of value) {
    if (c === '\\') out += '\\\\'
    else if (c === quote) out += `\\${c}`
    else if (c === '\n') out += '\\n'
    else if (c === '\r') out += '\\r'
    else if (c === '\t') out += '\\t'
    else if (c !== ' ' && NON_PRINTABLE.test(c)) out += escapeChar(c)
    else out += c
  }
  return out + quote
}

/**
 * Python `repr()` of a float: `1.0`, `0.5`, `1e-05`, `1e+16`, `inf`, `nan`.
 *
 * @remarks Python switches to exponent notation below 1e-4 and from 1e16 up.
 */
export function pythonFloatRepr(value: number): string {
  if (Number.isNaN(value)) return 'nan'
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf'
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0'
  const abs = Math.abs(value)
  if (abs >= 1e16 || abs < 1e-4) {
    // Shortest round-trip digits, as both languages use, in Python's layout.
    const [mantissa, exponent] = value.toExponential().split('e') as [string, string]
    const sign = exponent.startsWith('-') ? '-' : '+'
    const digits = exponent.replace(/^[+-]/, '').padStart(2, '0')
    return `${mantissa}e${sign}${digits}`
  }
  const text = String(value)
  return text.includes('.') ? text : `${text}.0`
}

function pythonNumber(value: number): string {
  // JSON and YAML have one number type in JS; an integral value is rendered
  // as a Python int (what `json.loads` would give for `3`), anything else as a float.
  return Number.isInteger(value) ? value.toFixed(0) : pythonFloatRepr(value)
}

/** Python `repr()` of a JSON-like value (nested containers use repr for members). */
export function pythonRepr(value: unknown): string {
  if (typeof value === 'string') return pythonStringRepr(value)
  return pythonStr(value)
}

/**
 * Python `str()` of a JSON-like value: strings as is, `True`/`False`/`None`,
 * lists as `[1, 'x']`, dicts as `{'k': 'v'}` in insertion order.
 */
export function pythonStr(value: unknown): string {
  if (typeof value === 'string') return value
  if (value === null || value === undefined) return 'None'
  if (value === true) return 'True'
  if (value === false) return 'False'
  if (typeof value === 'number') return pythonNumber(value)
  if (typeof value === 'bigint') return value.toString()
  if (Array.isArray(value)) return `[${value.map(pythonRepr).join(', ')}]`
  if (value instanceof Date) return value.toISOString()
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).map(
      ([k, v]) => `${pythonStringRepr(k)}: ${pythonRepr(v)}`,
    )
    return `{${entries.join(', ')}}`
  }
  return String(value)
}

// Python sorts str keys by code point; JS's default sort compares UTF-16
// units, which differs only outside the BMP.
function byCodePoint(a: string, b: string): number {
  const left = Array.from(a)
  const right = Array.from(b)
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const diff = left[i]!.codePointAt(0)! - right[i]!.codePointAt(0)!
    if (diff !== 0) return diff
  }
  return left.length - right.length
}

/**
 * The text an `args_pattern` is searched in, or `null` when there are no
 * arguments (which never matches).
 *
 * @remarks A string is used as is; an object becomes `k=v` pairs joined by
 * spaces, keys sorted, values rendered with Python `str()` — so
 * `{"b":[1,"x"],"a":{"k":"v"},"c":null,"d":true}` gives
 * `a={'k': 'v'} b=[1, 'x'] c=None d=True`. Anything else is `str()`-ed.
 */
export function flattenArgs(args: unknown): string | null {
  if (args === null || args === undefined) return null
  if (typeof args === 'string') return args
  if (typeof args === 'object' && !Array.isArray(args) && !(args instanceof Date)) {
    const record = args as Record<string, unknown>
    return Object.keys(record)
      .sort(byCodePoint)
      .map((key) => `${key}=${pythonStr(record[key])}`)
      .join(' ')
  }
  return pythonStr(args)
}
