/**
 * `path_patterns`: match the file paths named in a tool call's arguments.
 *
 * @module
 */
import { compileNamePattern } from './name-pattern.js'
import { extractPaths, normalizePath } from './path.js'
import type { Quantifier } from './value-matcher.js'

/** Compiled path patterns, or why they could not be compiled. */
export type PathPatternsResult =
  | { readonly ok: true; readonly test: (args: unknown, quantifier: Quantifier) => boolean }
  | { readonly ok: false; readonly message: string }

/**
 * Compiles `path_patterns` (`~regex` searches or whole-string globs; a plain
 * string is an exact path).
 *
 * @remarks Every path found by {@link extractPaths} is normalised with
 * {@link normalizePath} before matching, so `/tmp/../etc/passwd`,
 * `//etc//passwd`, `etc/passwd` and `../../etc/passwd` all meet a `/etc/*`
 * deny. Relative paths resolve against `/`; glob and exact patterns are
 * normalised the same way, so a relative pattern such as `src/*` still means
 * what it says. `~regex` patterns are used as written and see normalised paths.
 * No path in the arguments: no match. Several paths combine by the
 * quantifier: `any` for rules that restrict, `all` for allow rules.
 */
export function compilePathPatterns(patterns: readonly string[]): PathPatternsResult {
  const tests: ((path: string) => boolean)[] = []
  const problems: string[] = []
  for (const pattern of patterns) {
    const compiled = compileNamePattern(pattern.startsWith('~') ? pattern : normalizePath(pattern))
    if (compiled.ok) tests.push(compiled.test)
    else problems.push(compiled.message)
  }
  if (problems.length > 0) return { ok: false, message: problems.join('; ') }
  const matchesOne = (path: string) => tests.some((test) => test(path))
  return {
    ok: true,
    test: (args, quantifier) => {
      const paths = extractPaths(args).map(normalizePath)
      if (paths.length === 0) return false
      return quantifier === 'any' ? paths.some(matchesOne) : paths.every(matchesOne)
    },
  }
}
