/**
 * Linear-time regular expressions for patterns that come from configuration.
 *
 * @module
 */
import { RE2JS } from 're2js'
import type { StringTest } from './glob.js'
import { requiredLiteral } from './regex-literal.js'

/** A compiled pattern, or why it could not be compiled. */
export type RegexResult =
  | {
      readonly ok: true
      readonly test: StringTest
      /** A substring every match contains (undefined when none is known). */
      readonly literal: string | undefined
    }
  | { readonly ok: false; readonly message: string }

const LEADING_FLAGS = /^\(\?([a-zA-Z]+)\)/

// Python inline flags at the start of a pattern apply to the whole pattern.
// RE2 understands i, m and s itself; a and u only choose between ASCII and
// Unicode classes, where RE2's ASCII \w, \d, \s and \b already apply.
function translateLeadingFlags(pattern: string): { pattern: string } | { message: string } {
  const found = LEADING_FLAGS.exec(pattern)
  if (!found) return { pattern }
  const kept: string[] = []
  for (const flag of found[1]!) {
    if (flag === 'i' || flag === 'm' || flag === 's') kept.push(flag)
    else if (flag === 'a' || flag === 'u') continue
    else if (flag === 'x') return { message: 'the verbose flag (?x) is not supported' }
    else return { message: `unsupported inline flag '${flag}'` }
  }
  const rest = pattern.slice(found[0].length)
  return { pattern: kept.length > 0 ? `(?${kept.join('')})${rest}` : rest }
}

// Python's `\Z` (end of input) is RE2's `\z`; everything else that RE2 does not
// know is rejected by the compiler rather than guessed at.
function translateEscapes(pattern: string): string {
  let out = ''
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!
    if (c === '\\' && i + 1 < pattern.length) {
      const next = pattern[i + 1]!
      out += next === 'Z' ? '\\z' : `\\${next}`
      i++
    } else out += c
  }
  return out
}

/**
 * Compiles a configured regex for unanchored search (Python `re.search`).
 *
 * @remarks Runs on RE2, so matching is linear in the input for every pattern:
 * a hostile pattern or argument cannot stall a decision. Consequences: no
 * backreferences and no lookaround (those patterns are rejected at load time
 * with the compiler's message). A leading Python inline flag group such as
 * `(?i)` is honoured. Never throws.
 */
export function compileRegex(pattern: string): RegexResult {
  const flags = translateLeadingFlags(pattern)
  if ('message' in flags) return { ok: false, message: `invalid regex '${pattern}': ${flags.message}` }
  try {
    const translated = translateEscapes(flags.pattern)
    const compiled = RE2JS.compile(translated)
    return { ok: true, test: (value) => compiled.test(value), literal: requiredLiteral(translated) }
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    return { ok: false, message: `invalid regex '${pattern}': ${reason}` }
  }
}
