/**
 * Rules in agent-action-policy's format (`policies:` files), loaded unchanged
 * but with its silent failures turned into load errors.
 *
 * @module
 */
import type { ConfigIssue, SourceLocation } from '../../errors/config-error.js'
import type { DecisionResult } from '../decision.js'
import { type MatchCheck, MatchRule } from '../match-rule.js'
import { flattenArgsOnce } from '../matchers/args-text-scope.js'
import { compileNamePattern } from '../matchers/name-pattern.js'
import { compilePathPatterns } from '../matchers/path-patterns.js'
import { compileRegex } from '../matchers/safe-regex.js'
import type { IssueReporter } from '../native/native-rule.js'
import type { ActionFilter } from '../policy-rule.js'
import type { AapRuleSpec } from './aap-rule-schema.js'

type Check = MatchCheck

const DECISIONS: Record<AapRuleSpec['action'], DecisionResult> = {
  approve: 'allow',
  deny: 'deny',
  escalate: 'require_approval',
}

/**
 * A compiled agent-action-policy rule.
 *
 * @remarks `priority` is the engine priority (0: the file's rules sit as a
 * block among native priority-0 rules); `aap_priority` is the file's own
 * ordering key (lower first), already applied by the loader.
 */
export class AapRule extends MatchRule {
  readonly aap_priority: number

  constructor(
    spec: AapRuleSpec,
    actions: ActionFilter,
    checks: readonly Check[],
    source: SourceLocation,
    argsLiteral?: string,
  ) {
    super(
      { name: spec.name, priority: 0, decision: DECISIONS[spec.action], reason: spec.reason },
      actions,
      checks,
      source,
      argsLiteral,
    )
    this.aap_priority = spec.priority
  }
}

/**
 * Compiles a validated agent-action-policy rule: `match.tool` (exact, glob or
 * `~regex` search) against the action name, `args_pattern` searched in the
 * flattened arguments, `path_patterns` against normalised paths.
 *
 * @remarks Unlike the original, an invalid regex anywhere is a load error
 * (the original silently never matched an invalid `args_pattern`). Several
 * paths combine like native rules: any one for deny/escalate, all for approve.
 */
export function compileAapRule(
  spec: AapRuleSpec,
  source: SourceLocation,
  report: IssueReporter,
): { rule: AapRule | undefined; issues: ConfigIssue[] } {
  const issues: ConfigIssue[] = []
  const checks: Check[] = []
  const quantifier = spec.action === 'approve' ? 'all' : 'any'

  let actions: ActionFilter = { kind: 'any' }
  const tool = compileNamePattern(spec.match.tool)
  if (!tool.ok) issues.push(report(['match', 'tool'], tool.message))
  else if (tool.literal !== undefined) actions = { kind: 'names', names: [tool.literal] }
  else if (spec.match.tool !== '*') actions = { kind: 'test', test: tool.test }

  let argsLiteral: string | undefined
  const argsPattern = spec.match.args_pattern
  if (argsPattern !== undefined && argsPattern !== null && argsPattern !== '') {
    const regex = compileRegex(argsPattern)
    if (regex.ok) {
      const test = regex.test
      argsLiteral = regex.literal
      checks.push(({ args }) => {
        const text = flattenArgsOnce(args)
        return text !== null && test(text)
      })
    } else issues.push(report(['match', 'args_pattern'], regex.message))
  }

  const pathPatterns = spec.match.path_patterns
  const list = typeof pathPatterns === 'string' ? [pathPatterns] : (pathPatterns ?? [])
  if (list.length > 0) {
    const compiled = compilePathPatterns(list)
    if (compiled.ok) {
      const test = compiled.test
      checks.push(({ args }) => test(args, quantifier))
    } else issues.push(report(['match', 'path_patterns'], compiled.message))
  }

  if (issues.length > 0) return { rule: undefined, issues }
  return { rule: new AapRule(spec, actions, checks, source, argsLiteral), issues }
}
