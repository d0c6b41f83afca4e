import { describe, expect, it } from 'vitest'
import type { DecisionResult } from './decision.js'
import { PolicyEngine } from './policy-engine.js'
import type { ActionFilter, PolicyRequest, PolicyRule } from './policy-rule.js'

function call(action: string, args: Record<string, unknown> = {}): PolicyRequest {
  return {
    action,
    definition: undefined,
    args,
    target_id: null,
    target: undefined,
    caller: undefined,
    risk_class: 'low',
    effective_risk: 'low',
    ticket_id: null,
    now: new Date(),
  }
}

function rule(
  name: string,
  actions: ActionFilter,
  options: { priority?: number; decision?: DecisionResult; when?: (r: PolicyRequest) => boolean } = {},
): PolicyRule {
  const decision = options.decision ?? 'allow'
  return {
    name,
    priority: options.priority ?? 0,
    actions,
    evaluate: (request) =>
      (options.when?.(request) ?? true) ? { decision, reason: name, rule: name } : null,
  }
}

const any: ActionFilter = { kind: 'any' }
const names = (...list: string[]): ActionFilter => ({ kind: 'names', names: list })
const prefix = (p: string): ActionFilter => ({ kind: 'test', test: (a) => a.startsWith(p) })

describe('PolicyEngine', () => {
  it('denies when no rule matches', () => {
    expect(new PolicyEngine([]).evaluate(call('x'))).toEqual({
      decision: 'deny',
      reason: 'No matching policy (default deny)',
      rule: null,
    })
  })

  it('uses a configured default decision', () => {
    expect(new PolicyEngine([], { default_decision: 'require_approval' }).evaluate(call('x'))).toEqual({
      decision: 'require_approval',
      reason: 'No matching policy (default require_approval)',
      rule: null,
    })
  })

  it('runs higher priorities first and keeps the given order on ties', () => {
    const engine = new PolicyEngine([
      rule('low', any, { priority: -1 }),
      rule('tie-1', names('a'), { priority: 5, decision: 'deny' }),
      rule('tie-2', any, { priority: 5 }),
      rule('high', names('b'), { priority: 9 }),
    ])
    expect(engine.rules.map((r) => r.name)).toEqual(['high', 'tie-1', 'tie-2', 'low'])
    expect(engine.evaluate(call('a')).rule).toBe('tie-1')
    expect(engine.evaluate(call('b')).rule).toBe('high')
    expect(engine.evaluate(call('c')).rule).toBe('tie-2')
  })

  it('never lets an index change the outcome of a linear scan', () => {
    // Deterministic pseudo-random rule sets of every filter kind.
    let seed = 42
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648
      return seed / 2147483648
    }
    const actionNames = ['get-pod', 'get-logs', 'delete-pod', 'scale', 'restart', 'drain']
    const rules: PolicyRule[] = []
    for (let i = 0; i < 300; i++) {
      const kind = random()
      const filter: ActionFilter =
        kind < 0.4
          ? names(actionNames[Math.floor(random() * actionNames.length)]!)
          : kind < 0.7
            ? prefix(actionNames[Math.floor(random() * actionNames.length)]!.slice(0, 3))
            : any
      const threshold = random()
      rules.push(
        rule(`r${i}`, filter, {
          priority: Math.floor(random() * 5),
          decision: i % 2 ? 'deny' : 'allow',
          when: (r) => (r.args.n as number) > threshold,
        }),
      )
    }
    const engine = new PolicyEngine(rules)
    const ordered = [...rules]
      .map((r, i) => ({ r, i }))
      .sort((a, b) => b.r.priority - a.r.priority || a.i - b.i)
    const linear = (request: PolicyRequest) => {
      for (const { r } of ordered) {
        const f = r.actions
        const applies =
          f.kind === 'any' || (f.kind === 'names' ? f.names.includes(request.action) : f.test(request.action))
        if (!applies) continue
        const verdict = r.evaluate(request)
        if (verdict) return verdict.rule
      }
      return null
    }
    for (let i = 0; i < 500; i++) {
      const request = call(actionNames[i % actionNames.length]!, { n: random() })
      expect(engine.evaluate(request).rule).toBe(linear(request))
    }
  })

  it('tests predicate filters once per action name', () => {
    let tests = 0
    const engine = new PolicyEngine([
      rule('p', {
        kind: 'test',
        test: (a) => {
          tests++
          return a === 'x'
        },
      }),
    ])
    for (let i = 0; i < 10; i++) engine.evaluate(call('x'))
    expect(tests).toBe(1)
  })

  it('bounds the candidate cache', () => {
    let tests = 0
    const engine = new PolicyEngine(
      [
        rule('p', {
          kind: 'test',
          test: () => {
            tests++
            return false
          },
        }),
      ],
      { cache_size: 2 },
    )
    for (const name of ['a', 'b', 'c', 'a']) engine.evaluate(call(name))
    // `a` was evicted by `c`, so it is tested again.
    expect(tests).toBe(4)
  })

  it('denies, naming the rule, when a rule throws', () => {
    const broken: PolicyRule = {
      name: 'broken',
      priority: 0,
      actions: any,
      evaluate: () => {
        throw new Error('boom')
      },
    }
    const engine = new PolicyEngine([broken, rule('allow-all', any)])
    expect(engine.evaluate(call('x'))).toEqual({
      decision: 'deny',
      reason: "Policy rule 'broken' failed: boom",
      rule: 'broken',
    })
  })

  it('stays fast with 1,000 rules', () => {
    const rules = Array.from({ length: 1000 }, (_, i) =>
      rule(`r${i}`, names(`action-${i}`), { priority: i % 7 }),
    )
    const engine = new PolicyEngine(rules)
    const requests = Array.from({ length: 1000 }, (_, i) => call(`action-${i}`))
    for (const r of requests) engine.evaluate(r)
    const start = performance.now()
    for (let round = 0; round < 20; round++) for (const r of requests) engine.evaluate(r)
    const perDecision = ((performance.now() - start) * 1000) / 20_000
    expect(perDecision).toBeLessThan(20)
  })
})
