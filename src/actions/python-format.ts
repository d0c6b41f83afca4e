/**
 * Python's `str()`/`repr()` and type names for JSON values, so parameter
 * errors of YAML actions read exactly as agent-safe writes them.
 *
 * @module
 */

/** Python type name of a JSON value: `str`, `int`, `float`, `bool`, `list`, `dict`, `NoneType`. */
export function pythonTypeName(value: unknown): string {
  if (value === null || value === undefined) return 'NoneType'
  switch (typeof value) {
    case 'string':
      return 'str'
    case 'boolean':
      return 'bool'
    case 'bigint':
      return 'int'
    case 'number':
      // JSON cannot tell 3 from 3.0; an integral number counts as int.
      return Number.isInteger(value) ? 'int' : 'float'
    case 'object':
      return Array.isArray(value) ? 'list' : 'dict'
    default:
      return typeof value
  }
}

/**
 * Python `repr(float)`: shortest round-trip digits, always with a fractional
 * part or an exponent (`100.0`, `0.5`, `1e+16`, `1e-05`).
 */
export function pythonFloat(value: number): string {
  if (Number.isNaN(value)) return 'nan'
  if (value === Number.POSITIVE_INFINITY) return 'inf'
  if (value === Number.NEGATIVE_INFINITY) return '-inf'
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0'
  const [mantissa = '', exponentText = '0'] = value.toExponential().split('e')
  const exponent = Number(exponentText)
  const sign = mantissa.startsWith('-') ? '-' : ''
  const digits = mantissa.replace('-', '').replace('.', '')
  // Python switches to scientific notation outside 1e-4 <= |x| < 1e16.
  if (exponent < -4 || exponent >= 16) {
    const head = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits
    const magnitude = String(Math.abs(exponent)).padStart(2, '0')
    return `${sign}${head}e${exponent < 0 ? '-' : '+'}${magnitude}`
  }
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`
  const whole = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0')
  const fraction = digits.slice(exponent + 1)
  return `${sign}${whole}.${fraction === '' ? '0' : fraction}`
}

function pythonNumber(value: number): string {
  // Integral values print as Python ints, without exponent (1e21 → 1000…0).
  return Number.isInteger(value) ? BigInt(value).toString() : pythonFloat(value)
}

function pythonStringRepr(value: string): string {
  const quote = value.includes("'") && !value.includes('"') ? '"' : "'"
  let out = ''
  for (const char of value) {
    const code = char.codePointAt(0) ?? 0
    if (char === '\\') out += '\\\\'
    else if (char === quote) out += `\\${quote}`
    else if (char === '\n') out += '\\n'
    else if (char === '\r') out += '\\r'
    else if (char === '\t') out += '\\t'
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`
    else out += char
  }
  return `${quote}${out}${quote}`
}

/** Python `repr()` of a JSON value (`'a'`, `['a', 'b']`, `{'k': 1}`, `True`, `None`). */
export function pythonRepr(value: unknown): string {
  if (value === null || value === undefined) return 'None'
  switch (typeof value) {
    case 'string':
      return pythonStringRepr(value)
    case 'boolean':
      return value ? 'True' : 'False'
    case 'number':
      return pythonNumber(value)
    case 'bigint':
      return value.toString()
    case 'object':
      if (Array.isArray(value)) return `[${value.map(pythonRepr).join(', ')}]`
      return `{${Object.entries(value)
        .map(([k, v]) => `${pythonStringRepr(k)}: ${pythonRepr(v)}`)
        .join(', ')}}`
    default:
      return String(value)
  }
}

/** Python `str()` of a JSON value: strings as they are, everything else as `repr()`. */
export function pythonStr(value: unknown): string {
  return typeof value === 'string' ? value : pythonRepr(value)
}
