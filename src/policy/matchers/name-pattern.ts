/**
 * The `~regex` / glob / exact dispatch used for tool names and path patterns.
 *
 * @module
 */
import { compileGlob, isGlobPattern, type StringTest } from './glob.js'
import { compileRegex } from './safe-regex.js'

/** A compiled name pattern. `literal` is set for exact patterns, so callers can index on it. */
export type NamePatternResult =
  | { readonly ok: true; readonly test: StringTest; readonly literal: string | undefined }
  | { readonly ok: false; readonly message: string }

/**
 * Compiles a pattern the way agent-action-policy's `match_tool` reads it.
 *
 * @remarks `~regex` is an unanchored search (so `~bash` matches
 * `not_bash_really`); a pattern containing `*`, `?` or `[` is a whole-string
 * glob; anything else is an exact, case-sensitive comparison. Unlike the
 * original, an invalid regex is reported here, at load time.
 */
export function compileNamePattern(pattern: string): NamePatternResult {
  if (pattern.startsWith('~')) {
    const regex = compileRegex(pattern.slice(1))
    return regex.ok ? { ok: true, test: regex.test, literal: undefined } : regex
  }
  if (isGlobPattern(pattern)) return { ok: true, test: compileGlob(pattern), literal: undefined }
  return { ok: true, test: (value) => value === pattern, literal: pattern }
}
