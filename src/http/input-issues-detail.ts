/**
 * The `detail` of a 422: one readable sentence naming each offending field,
 * so a client that shows only `detail` still tells its user what to fix.
 *
 * @module
 */
import type { ParamIssue } from '../actions/action-definition.js'
import { paramPath } from '../actions/param-path.js'

const SHOWN = 5

/** `inputs.amount`, `inputs.items[0].sku`, or `target`. */
function fieldName(path: readonly (string | number)[]): string {
  if (path.length === 1 && path[0] === 'target') return 'target'
  return paramPath(['inputs', ...path])
}

/** The issue's message without the field name it may already repeat, in the words used across the API. */
function shortMessage(issue: ParamIssue): string {
  if (issue.code === 'missing') return 'required, but missing'
  if (issue.code === 'unknown_key') return 'not a parameter of this action'
  return issue.message
    .replace(/^Parameter '[^']*': /, '')
    .replace(/^Invalid input: /, '')
    .replace(/, received /, ', got ')
}

/**
 * `inputs.amount: expected number, got string; inputs.invoice_id: required, but missing`,
 * the first few issues with a count of the rest; `fallback` when there are none.
 */
export function inputIssuesDetail(issues: readonly ParamIssue[] | undefined, fallback: string): string {
  if (issues === undefined || issues.length === 0) return fallback
  const parts = issues.slice(0, SHOWN).map((i) => `${fieldName(i.path)}: ${shortMessage(i)}`)
  const more = issues.length > SHOWN ? `; and ${issues.length - SHOWN} more (see issues)` : ''
  return `${parts.join('; ')}${more}`
}
