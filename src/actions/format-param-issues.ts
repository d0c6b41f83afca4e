import type { ParamIssue } from './action-definition.js'

/**
 * One line for a decision reason or an audit record, as agent-safe words it:
 * `Invalid parameters: Missing required parameter: x; Unknown parameter: y`.
 */
export function formatParamIssues(issues: readonly ParamIssue[]): string {
  return `Invalid parameters: ${issues.map((i) => i.message).join('; ')}`
}
