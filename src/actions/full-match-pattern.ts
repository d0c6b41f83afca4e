/**
 * Whole-string patterns for parameter constraints, with Python
 * `re.fullmatch` semantics on a linear-time engine.
 *
 * @module
 */
import { RE2JS } from 're2js'

/** A compiled pattern, or why it could not be compiled. */
export type FullMatchPattern =
  | { readonly ok: true; readonly source: string; readonly test: (value: string) => boolean }
  | { readonly ok: false; readonly source: string; readonly message: string }

// Python spells end-of-input `\Z`; RE2 spells it `\z`. Escaped backslashes are
// copied as pairs so `\\Z` stays a literal backslash followed by Z.
function translatePythonEscapes(pattern: string): string {
  let out = ''
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i]!
    if (char === '\\' && i + 1 < pattern.length) {
      const next = pattern[i + 1]!
      out += next === 'Z' ? '\\z' : `\\${next}`
      i++
    } else out += char
  }
  return out
}

/**
 * Compiles `pattern` so that `test(value)` is true only when the whole value
 * matches (Python `re.fullmatch`).
 *
 * @remarks RE2 matching is linear in the input, so a configured pattern can
 * never stall validation. Backreferences and lookaround are not supported and
 * are reported as compile errors. Never throws.
 */
export function compileFullMatch(pattern: string): FullMatchPattern {
  try {
    const compiled = RE2JS.compile(translatePythonEscapes(pattern))
    return { ok: true, source: pattern, test: (value) => compiled.matches(value) }
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    return { ok: false, source: pattern, message: `invalid pattern '${pattern}': ${reason}` }
  }
}
