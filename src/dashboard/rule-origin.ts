import { isAbsolute, relative } from 'node:path'
import type { SourceLocation } from '../errors/config-error.js'
import type { PolicyRule } from '../policy/policy-rule.js'

/** `policies/billing.yaml:3` for rules loaded from a file, `code` otherwise. */
export function ruleOrigin(rule: PolicyRule): string {
  const source = (rule as { source?: SourceLocation }).source
  if (!source || typeof source.file !== 'string') return 'code'
  const file = isAbsolute(source.file) ? relative(process.cwd(), source.file) || source.file : source.file
  return source.line === undefined ? file : `${file}:${source.line}`
}

/** The fixed verdict of a file rule, or `(computed)` for rules that decide in code. */
export function ruleVerdict(rule: PolicyRule): string {
  const decision = (rule as { decision?: unknown }).decision
  return typeof decision === 'string' ? decision : '(computed)'
}
