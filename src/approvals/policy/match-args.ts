/**
 * `match_args`: hold calls whose arguments match patterns.
 *
 * @module
 */
import { AirlockError } from '../../errors/airlock-error.js'
import { ErrorCode } from '../../errors/error-codes.js'
import { compileRegex } from '../../policy/matchers/index.js'
import type { ApprovalRule } from './approval-rule.js'
import { describeArg, lookupArg } from './guarded-call.js'

/** The text a pattern is searched in; null when the value cannot be shown as text. */
function searchText(value: unknown): string | null {
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value)
  try {
    const json = JSON.stringify(value)
    return typeof json === 'string' ? json : null
  } catch {
    return null
  }
}

/**
 * Holds a call when any named argument matches its pattern (unanchored
 * search, like Python's `re.search`).
 *
 * @remarks Patterns use RE2 syntax and run in linear time, so a hostile
 * argument cannot stall the decision; backreferences and lookaround are not
 * available. A leading `(?i)` makes a pattern case-insensitive. Strings are
 * searched as they are, numbers and booleans as their text, and other values
 * as their JSON. `null` and absent arguments are skipped. A value that has no
 * text form (a cycle, a function), or a call without argument names, holds.
 *
 * @throws AirlockError `CONFIG_INVALID` at construction for an invalid pattern.
 */
export function matchArgs(patterns: Readonly<Record<string, string>>): ApprovalRule {
  const entries = Object.entries(patterns ?? {})
  if (entries.length === 0) {
    throw new AirlockError(ErrorCode.CONFIG_INVALID, "match_args needs at least one { arg: 'pattern' }")
  }
  const compiled = entries.map(([arg, pattern]) => {
    if (typeof pattern !== 'string') {
      throw new AirlockError(
        ErrorCode.CONFIG_INVALID,
        `match_args: the pattern for '${arg}' must be a string`,
      )
    }
    const result = compileRegex(pattern)
    if (!result.ok) throw new AirlockError(ErrorCode.CONFIG_INVALID, `match_args: ${result.message}`)
    return { arg, pattern, test: result.test }
  })
  return {
    name: `match_args(${entries.map(([a, p]) => `${a} ~ /${p}/`).join(', ')})`,
    test(call) {
      for (const { arg, pattern, test } of compiled) {
        const found = lookupArg(call, arg)
        if (found.kind === 'unnamed') {
          return {
            reason: `Cannot see ${describeArg(arg)}: the call's arguments have no names (pass arg_names)`,
          }
        }
        if (found.kind === 'absent' || found.value === null || found.value === undefined) continue
        const text = searchText(found.value)
        if (text === null)
          return { reason: `${describeArg(arg)} has no text form to match against /${pattern}/` }
        if (test(text)) return { reason: `${describeArg(arg)} matches /${pattern}/` }
      }
      return null
    },
  }
}
