/**
 * Per-argument matchers (`match.args` in native rules).
 *
 * @module
 */
import { compileGlob, isGlobPattern } from './glob.js'
import { compileRegex } from './safe-regex.js'

/** A configured matcher: a JSON scalar compared exactly, a glob string, or `~regex`. */
export type ValueMatcherSpec = string | number | boolean | null

/**
 * How several values (an array argument, several paths) combine.
 * `any`: one matching value is enough. `all`: every value must match.
 */
export type Quantifier = 'any' | 'all'

/** A compiled argument matcher, or why it could not be compiled. */
export type ValueMatcherResult =
  | { readonly ok: true; readonly test: (value: unknown, quantifier: Quantifier) => boolean }
  | { readonly ok: false; readonly message: string }

type ScalarTest = (value: unknown) => boolean

// Text a glob or regex sees for a non-string value: its JSON spelling, so
// `replicas: "~^[0-9]{3,}$"` still catches the number 500.
function asText(value: unknown): string {
  if (typeof value === 'string') return value
  if (typeof value === 'bigint') return value.toString()
  return JSON.stringify(value) ?? String(value)
}

function compileOne(spec: ValueMatcherSpec): ScalarTest | string {
  if (typeof spec !== 'string') return (value) => value === spec
  if (spec.startsWith('~')) {
    const regex = compileRegex(spec.slice(1))
    if (!regex.ok) return regex.message
    return (value) => regex.test(asText(value))
  }
  if (isGlobPattern(spec)) {
    const glob = compileGlob(spec)
    return (value) => glob(asText(value))
  }
  return (value) => value === spec
}

/**
 * Compiles one matcher or a list of them (any may match).
 *
 * @remarks
 * - A literal (string without glob characters, number, boolean, null) is
 *   compared with `===`: the string `"3"` does not equal the number `3`.
 * - A glob or `~regex` string is tested against strings as they are and
 *   against any other value's JSON text (`500`, `true`, `{"a":1}`).
 * - A missing (`undefined`) argument never matches.
 * - An array argument is matched element-wise, combined by the quantifier:
 *   rules that restrict (deny, require_approval) use `any`, so one bad
 *   element is caught; allow rules use `all`, so one good element cannot
 *   smuggle in the others. An empty array matches under `all` only.
 */
export function compileValueMatcher(
  spec: ValueMatcherSpec | readonly ValueMatcherSpec[],
): ValueMatcherResult {
  const specs = Array.isArray(spec) ? (spec as readonly ValueMatcherSpec[]) : [spec as ValueMatcherSpec]
  const tests: ScalarTest[] = []
  const problems: string[] = []
  for (const one of specs) {
    const compiled = compileOne(one)
    if (typeof compiled === 'string') problems.push(compiled)
    else tests.push(compiled)
  }
  if (problems.length > 0) return { ok: false, message: problems.join('; ') }
  const single = tests.length === 1 ? tests[0]! : undefined
  const scalar: ScalarTest = single ?? ((value) => tests.some((test) => test(value)))
  return {
    ok: true,
    test: (value, quantifier) => {
      if (value === undefined) return false
      if (!Array.isArray(value)) return scalar(value)
      return quantifier === 'any' ? value.some(scalar) : value.every(scalar)
    },
  }
}
