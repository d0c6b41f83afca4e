/**
 * The compiled policy engine: first matching rule wins, default deny.
 *
 * @module
 */
import type { DecisionResult } from './decision.js'
import { LiteralIndex, mergeAscending } from './literal-index.js'
import { closeArgsTextScope, flattenArgsOnce, openArgsTextScope } from './matchers/args-text-scope.js'
import type { PolicyRequest, PolicyRule } from './policy-rule.js'

/** Options for {@link PolicyEngine}. */
export interface PolicyEngineOptions {
  /** Outcome when no rule matches. Default `deny`. */
  readonly default_decision?: DecisionResult | undefined
  /** How many distinct action names keep a cached candidate list. Default 10,000. */
  readonly cache_size?: number | undefined
}

/** The engine's answer; `rule` is null when no rule matched. */
export interface PolicyEvaluation {
  readonly decision: DecisionResult
  readonly reason: string
  readonly rule: string | null
}

const DEFAULT_REASONS: Record<DecisionResult, string> = {
  deny: 'No matching policy (default deny)',
  allow: 'No matching policy (default allow)',
  require_approval: 'No matching policy (default require_approval)',
}

/**
 * Evaluates rules in order and returns the first match.
 *
 * @remarks
 * - Order: priority descending; equal priorities keep the order the rules
 *   were given in (a stable sort).
 * - Rules are indexed by their {@link ActionFilter}: `names` rules are found
 *   by a map lookup, `test` rules are tested once per distinct action name
 *   and the candidate list is cached (a bounded cache, so random action names
 *   cannot grow memory without bound). `any` rules that declare an
 *   `args_literal` are found by looking the flattened arguments up in a
 *   {@link LiteralIndex} (flattened once per evaluation, shared with the
 *   rules' own `args_pattern` checks); other `any` rules are always candidates.
 *   Candidates keep the global order, so indexing never changes an outcome.
 * - A rule that throws, or returns a decision other than allow, deny or
 *   require_approval, is treated as a deny naming that rule: a broken rule
 *   must never let a request through.
 */
export class PolicyEngine {
  /** The rules in evaluation order. */
  readonly rules: readonly PolicyRule[]
  readonly default_decision: DecisionResult
  readonly #default: PolicyEvaluation
  readonly #byName = new Map<string, number[]>()
  readonly #anyOrTest: number[] = []
  readonly #byLiteral = new LiteralIndex()
  readonly #cache = new Map<string, readonly number[]>()
  readonly #cacheSize: number

  constructor(rules: readonly PolicyRule[], options: PolicyEngineOptions = {}) {
    this.rules = Object.freeze(
      rules
        .map((rule, index) => ({ rule, index }))
        .sort((a, b) => b.rule.priority - a.rule.priority || a.index - b.index)
        .map(({ rule }) => rule),
    )
    this.default_decision = options.default_decision ?? 'deny'
    this.#default = Object.freeze({
      decision: this.default_decision,
      reason: DEFAULT_REASONS[this.default_decision],
      rule: null,
    })
    this.#cacheSize = Math.max(1, options.cache_size ?? 10_000)
    this.rules.forEach((rule, position) => {
      const filter = rule.actions
      if (filter.kind === 'names') {
        for (const name of new Set(filter.names)) {
          const list = this.#byName.get(name)
          if (list) list.push(position)
          else this.#byName.set(name, [position])
        }
      } else if (filter.kind === 'any' && rule.args_literal) this.#byLiteral.add(position, rule.args_literal)
      else this.#anyOrTest.push(position)
    })
  }

  /** The rules that can apply to `action` (whatever the arguments), in evaluation order. */
  candidates(action: string): readonly PolicyRule[] {
    return mergeAscending(this.#byAction(action), this.#byLiteral.positions()).map(
      (position) => this.rules[position]!,
    )
  }

  // Positions of the rules selected by action name alone, ascending.
  #byAction(action: string): readonly number[] {
    const cached = this.#cache.get(action)
    if (cached) return cached
    const named = this.#byName.get(action) ?? []
    const general = this.#anyOrTest.filter((position) => {
      const filter = this.rules[position]!.actions
      return filter.kind === 'any' || (filter.kind === 'test' && filter.test(action))
    })
    // Both lists are ascending; merging keeps the global order.
    const merged = mergeAscending(named, general)
    if (this.#cache.size >= this.#cacheSize) {
      // Evict the oldest entry; Map iterates in insertion order.
      const oldest = this.#cache.keys().next().value
      if (oldest !== undefined) this.#cache.delete(oldest)
    }
    this.#cache.set(action, merged)
    return merged
  }

  /** Decides one request: the first matching rule, or the default. */
  evaluate(request: PolicyRequest): PolicyEvaluation {
    openArgsTextScope()
    try {
      return this.#evaluate(request)
    } finally {
      closeArgsTextScope()
    }
  }

  #evaluate(request: PolicyRequest): PolicyEvaluation {
    let positions = this.#byAction(request.action)
    if (this.#byLiteral.size > 0) {
      const text = flattenArgsOnce(request.args)
      const hits = text === null ? [] : this.#byLiteral.matching(text)
      if (hits.length > 0) positions = mergeAscending(positions, hits)
    }
    for (const position of positions) {
      const rule = this.rules[position]!
      let verdict: ReturnType<PolicyRule['evaluate']>
      try {
        verdict = rule.evaluate(request)
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error)
        return { decision: 'deny', reason: `Policy rule '${rule.name}' failed: ${message}`, rule: rule.name }
      }
      if (verdict === null || verdict === undefined) continue
      // A plug-in rule is code we do not control: a decision outside the three
      // known values must never be read as permission.
      if (
        verdict.decision !== 'allow' &&
        verdict.decision !== 'deny' &&
        verdict.decision !== 'require_approval'
      ) {
        return {
          decision: 'deny',
          reason: `Policy rule '${rule.name}' returned an unknown decision ${JSON.stringify(verdict.decision)}`,
          rule: rule.name,
        }
      }
      return verdict
    }
    return this.#default
  }
}
