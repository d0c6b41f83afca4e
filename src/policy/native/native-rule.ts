/**
 * Rules written in Airlock's own policy format (agent-safe's `rules:` files
 * plus argument, path, CEL and time-zone extensions).
 *
 * @module
 */
import type { ConfigIssue, SourceLocation } from '../../errors/config-error.js'
import type { FieldPath } from '../../internal/yaml-source.js'
import { type MatchCheck, MatchRule } from '../match-rule.js'
import { flattenArgsOnce } from '../matchers/args-text-scope.js'
import { compileCelCondition } from '../matchers/cel-condition.js'
import { compileGlob, isGlobPattern } from '../matchers/glob.js'
import { compilePathPatterns } from '../matchers/path-patterns.js'
import { compileRegex } from '../matchers/safe-regex.js'
import { compileTimeWindow, isValidTimeZone } from '../matchers/time-window.js'
import { compileValueMatcher, type Quantifier } from '../matchers/value-matcher.js'
import type { ActionFilter } from '../policy-rule.js'
import type { NativeRuleSpec } from './native-rule-schema.js'

type Check = MatchCheck

/** A compiled native rule. */
export class NativeRule extends MatchRule {
  readonly description: string

  constructor(
    spec: NativeRuleSpec,
    actions: ActionFilter,
    checks: readonly Check[],
    source: SourceLocation,
    argsLiteral?: string,
  ) {
    super(spec, actions, checks, source, argsLiteral)
    this.description = spec.description
  }
}

/** Reports a problem at a path relative to the rule. */
export type IssueReporter = (path: FieldPath, message: string) => ConfigIssue

/** The action filter for agent-safe `actions:` globs; an empty list never matches. */
export function actionGlobFilter(patterns: readonly string[]): ActionFilter {
  if (patterns.includes('*')) return { kind: 'any' }
  const literals = patterns.filter((p) => !isGlobPattern(p))
  const globs = patterns.filter(isGlobPattern).map(compileGlob)
  if (globs.length === 0) return { kind: 'names', names: literals }
  const literalSet = new Set(literals)
  return { kind: 'test', test: (action) => literalSet.has(action) || globs.some((glob) => glob(action)) }
}

function targetChecks(spec: NonNullable<NativeRuleSpec['match']['targets']>): Check {
  const environments = spec.environments && new Set<string>(spec.environments)
  const sensitivities = spec.sensitivities && new Set<string>(spec.sensitivities)
  const types = spec.types && new Set(spec.types)
  const labels = spec.labels && Object.entries(spec.labels)
  return ({ target }) => {
    // A rule about targets says nothing about a request without a known target.
    if (!target) return false
    if (environments && !environments.has(target.environment)) return false
    if (sensitivities && !sensitivities.has(target.sensitivity)) return false
    if (types && !types.has(target.type)) return false
    if (labels) for (const [k, v] of labels) if (target.labels[k] !== v) return false
    return true
  }
}

function callerChecks(spec: NonNullable<NativeRuleSpec['match']['callers']>): Check {
  const agentIds = spec.agent_ids && new Set(spec.agent_ids)
  const roles = spec.roles
  const groups = spec.groups
  const delegatedFrom = spec.delegated_from && new Set(spec.delegated_from)
  const { max_delegation_depth: maxDepth, require_delegation: requireDelegation } = spec
  return ({ caller }) => {
    if (!caller) return false
    const depth = caller.delegation_chain.length
    if (agentIds && !agentIds.has(caller.actor_id)) return false
    if (roles && !roles.some((role) => caller.roles.includes(role))) return false
    if (groups && !groups.some((group) => caller.groups.includes(group))) return false
    if (delegatedFrom && !caller.delegation_chain.some((link) => delegatedFrom.has(link.actor_id)))
      return false
    if (maxDepth !== undefined && depth > maxDepth) return false
    if (requireDelegation === true && depth === 0) return false
    if (requireDelegation === false && depth > 0) return false
    return true
  }
}

/**
 * Compiles a validated rule. Every problem (bad regex, glob, CEL, time zone)
 * is collected rather than stopping at the first.
 *
 * @remarks Fail-closed choices, where a condition cannot be decided cleanly:
 * rules that restrict (`deny`, `require_approval`) treat array arguments and
 * several paths as matching when **any** element matches, and treat a CEL
 * error as a match; `allow` rules need **every** element to match and treat a
 * CEL error as no match. Either way an error can only make the outcome stricter.
 */
export function compileNativeRule(
  spec: NativeRuleSpec,
  source: SourceLocation,
  report: IssueReporter,
): { rule: NativeRule | undefined; issues: ConfigIssue[] } {
  const issues: ConfigIssue[] = []
  const checks: Check[] = []
  let argsLiteral: string | undefined
  const { match } = spec
  const restrictive = spec.decision !== 'allow'
  const quantifier: Quantifier = restrictive ? 'any' : 'all'

  // Cheap checks first: most requests are rejected by them.
  if (match.risk_classes) {
    const risks = new Set<string>(match.risk_classes)
    checks.push(({ effective_risk }) => risks.has(effective_risk))
  }
  if (match.require_ticket === true) checks.push(({ ticket_id }) => ticket_id !== null && ticket_id !== '')
  if (match.require_ticket === false) checks.push(({ ticket_id }) => ticket_id === null || ticket_id === '')
  if (match.targets) checks.push(targetChecks(match.targets))
  if (match.callers) checks.push(callerChecks(match.callers))

  if (match.time_windows) {
    const windows: ((now: Date) => boolean)[] = []
    match.time_windows.forEach((window, i) => {
      if (window.timezone !== undefined && !isValidTimeZone(window.timezone)) {
        issues.push(
          report(['match', 'time_windows', i, 'timezone'], `unknown time zone '${window.timezone}'`),
        )
        return
      }
      windows.push(compileTimeWindow({ ...window, days: window.days ?? undefined }))
    })
    checks.push(({ now }) => windows.some((inWindow) => inWindow(now)))
  }

  if (match.args) {
    for (const [param, matcherSpec] of Object.entries(match.args)) {
      const compiled = compileValueMatcher(matcherSpec)
      if (!compiled.ok) {
        issues.push(report(['match', 'args', param], compiled.message))
        continue
      }
      const test = compiled.test
      checks.push(({ args }) => test(Object.hasOwn(args, param) ? args[param] : undefined, quantifier))
    }
  }

  if (match.args_pattern !== undefined && match.args_pattern !== '') {
    const regex = compileRegex(match.args_pattern)
    if (regex.ok) {
      const test = regex.test
      argsLiteral = regex.literal
      checks.push(({ args }) => {
        const text = flattenArgsOnce(args)
        return text !== null && test(text)
      })
    } else issues.push(report(['match', 'args_pattern'], regex.message))
  }

  if (match.path_patterns !== undefined) {
    const list = typeof match.path_patterns === 'string' ? [match.path_patterns] : match.path_patterns
    const compiled = compilePathPatterns(list)
    if (compiled.ok) {
      const test = compiled.test
      checks.push(({ args }) => test(args, quantifier))
    } else issues.push(report(['match', 'path_patterns'], compiled.message))
  }

  if (match.when !== undefined) {
    const compiled = compileCelCondition(match.when)
    if (compiled.ok) {
      const evaluate = compiled.evaluate
      checks.push((request) => {
        const outcome = evaluate(request)
        return outcome === 'error' ? restrictive : outcome
      })
    } else issues.push(report(['match', 'when'], compiled.message))
  }

  if (issues.length > 0) return { rule: undefined, issues }
  return { rule: new NativeRule(spec, actionGlobFilter(match.actions), checks, source, argsLiteral), issues }
}
