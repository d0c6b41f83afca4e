import type { ParamIssue } from './action-definition.js'
import { paramPath } from './param-path.js'

/** The issue's message, led by the parameter it is about unless it already names it. */
function named(issue: ParamIssue): string {
  const namesItself =
    issue.code === 'missing' || issue.code === 'unknown_key' || issue.message.startsWith('Parameter ')
  return issue.path.length === 0 || namesItself ? issue.message : `${paramPath(issue.path)}: ${issue.message}`
}

/**
 * One line for a decision reason or an audit record, as agent-safe words it:
 * `Invalid parameters: Missing required parameter: x; amount: Invalid input: expected number, received string`.
 */
export function formatParamIssues(issues: readonly ParamIssue[]): string {
  return `Invalid parameters: ${issues.map(named).join('; ')}`
}
