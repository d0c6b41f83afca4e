import { AirlockError } from './airlock-error.js'
import { ErrorCode } from './error-codes.js'

/** Where in a source file a problem sits. Lines and columns count from 1. */
export interface SourceLocation {
  file: string
  line?: number
  column?: number
  /** Dotted path of the offending field, e.g. `rules[2].match.actions`. */
  field?: string
}

/** One problem found while loading configuration. */
export interface ConfigIssue extends SourceLocation {
  message: string
}

function formatIssue(issue: ConfigIssue): string {
  let where = issue.file
  if (issue.line !== undefined) where += `:${issue.line}`
  if (issue.column !== undefined) where += `:${issue.column}`
  return issue.field ? `${where}: ${issue.field}: ${issue.message}` : `${where}: ${issue.message}`
}

/**
 * A configuration file is invalid. The message lists every issue as
 * `file:line:column: field: message`; `issues` keeps them structured.
 */
export class ConfigError extends AirlockError {
  readonly issues: readonly ConfigIssue[]

  constructor(issues: readonly ConfigIssue[], options: { cause?: unknown } = {}) {
    const message =
      issues.length === 1
        ? formatIssue(issues[0]!)
        : `${issues.length} problems:\n${issues.map(formatIssue).join('\n')}`
    super(ErrorCode.CONFIG_INVALID, message, { ...options, details: { issues } })
    this.name = 'ConfigError'
    this.issues = issues
  }
}
