/**
 * Numbers the way Python's `float()` reads them, so amount thresholds agree
 * with the tools they were written for.
 *
 * @module
 */

// Python's float() strips what str.isspace() calls whitespace; that set
// differs from JavaScript's trim() (it has \x1c-\x1f and \x85, not \ufeff).
const PY_SPACE =
  '[\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]'
const STRIP = new RegExp(`^${PY_SPACE}+|${PY_SPACE}+$`, 'g')
// Grammar after the optional sign:
//   digitpart ["." [digitpart]] [exponent] | "." digitpart [exponent] | inf | infinity | nan
//   digitpart := digit ("_"? digit)*     exponent := ("e" | "E") ["+" | "-"] digitpart
// Only ASCII digits are accepted: Python also reads other Unicode decimal
// digits, and refusing them makes the caller hold the call, which is the safe side.
const DECIMAL = /^[+-]?(?:\d(?:_?\d)*(?:\.(?:\d(?:_?\d)*)?)?|\.\d(?:_?\d)*)(?:[eE][+-]?\d(?:_?\d)*)?$/
const SPECIAL = /^[+-]?(?:inf|infinity|nan)$/i

/**
 * Parses `text` by Python `float()` rules: surrounding whitespace is ignored,
 * `_` may separate digits, `1e3`, `.5` and `5.` are numbers, and `inf`,
 * `infinity` and `nan` (any case, optional sign) are recognised.
 *
 * @returns the number, or `null` when Python would raise `ValueError`.
 * `nan` and `inf` come back as `NaN` and `±Infinity`; callers that compare
 * must treat those as unusable (see `amount_over`).
 */
export function parsePythonFloat(text: string): number | null {
  const s = text.replace(STRIP, '')
  if (SPECIAL.test(s)) {
    const negative = s.startsWith('-')
    if (/nan$/i.test(s)) return Number.NaN
    return negative ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY
  }
  if (!DECIMAL.test(s)) return null
  // The grammar above guarantees Number() sees a plain decimal literal once the separators are gone.
  return Number(s.replaceAll('_', ''))
}
