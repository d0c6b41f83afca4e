import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { localPrincipal } from '../identity/principal.js'
import { compileAapRule } from './aap/aap-rule.js'
import { aapRuleSchema } from './aap/aap-rule-schema.js'
import { LiteralIndex } from './literal-index.js'
import { requiredLiteral } from './matchers/regex-literal.js'
import { compileRegex } from './matchers/safe-regex.js'
import { PolicyEngine, type PolicyEvaluation } from './policy-engine.js'
import type { PolicyRequest, PolicyRule } from './policy-rule.js'

// Patterns over a tiny alphabet so random texts often match them.
const atom = fc.constantFrom(
  'a',
  'b',
  'c',
  'ab',
  '.',
  '\\.',
  '[ab]',
  '[^a]',
  '(ab|c)',
  '(?:b)',
  '\\s',
  '^',
  '$',
  ' ',
)
const quantifier = fc.constantFrom('', '', '', '*', '+', '?', '{2}', '{0,1}', '{1,}', '+?')
const pattern = fc
  .array(fc.tuple(atom, quantifier), { minLength: 1, maxLength: 6 })
  .map((parts) => parts.map(([a, q]) => (a === '^' || a === '$' ? a : a + q)).join(''))
  .chain((p) => fc.constantFrom(p, `(?i)${p}`, `(?s)${p}`, `${p}|c`))
const text = fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'A', '.', ' ', '\n'), maxLength: 12 })

describe('requiredLiteral', () => {
  it('finds the literal runs of simple patterns', () => {
    expect(requiredLiteral('git\\s+push\\s+--force')).toBe('--force')
    expect(requiredLiteral('rm -rf')).toBe('rm -rf')
    expect(requiredLiteral('ab?c')).toBe('a')
    expect(requiredLiteral('secret_[0-9]+_key')).toBe('secret_')
    expect(requiredLiteral('(?i)password')).toBeUndefined()
    expect(requiredLiteral('drop|delete')).toBeUndefined()
    expect(requiredLiteral('\\pLabc')).toBeUndefined()
    expect(requiredLiteral('x*')).toBeUndefined()
  })

  it('never names a literal that a matching text lacks', () => {
    fc.assert(
      fc.property(pattern, fc.array(text, { minLength: 1, maxLength: 8 }), (source, texts) => {
        const compiled = compileRegex(source)
        if (!compiled.ok || compiled.literal === undefined) return
        for (const value of texts) {
          if (compiled.test(value)) expect(value).toContain(compiled.literal)
        }
      }),
      { numRuns: 2000 },
    )
  })
})

describe('LiteralIndex', () => {
  it('returns exactly the positions whose literal occurs in the text, ascending', () => {
    const literal = fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'ä', '😀'), minLength: 1, maxLength: 5 })
    fc.assert(
      fc.property(
        fc.array(literal, { maxLength: 30 }),
        fc.array(text, { maxLength: 5 }),
        (literals, texts) => {
          const index = new LiteralIndex()
          for (const [position, value] of literals.entries()) index.add(position, value)
          for (const value of texts) {
            const expected = literals.flatMap((l, position) => (value.includes(l) ? [position] : []))
            expect(index.matching(value)).toEqual(expected)
          }
        },
      ),
    )
  })
})

function request(action: string, args: Record<string, unknown>): PolicyRequest {
  return {
    action,
    definition: undefined,
    args,
    target_id: null,
    target: undefined,
    caller: localPrincipal('agent'),
    risk_class: 'low',
    effective_risk: 'low',
    ticket_id: null,
    now: new Date(0),
  }
}

// The reference: every rule in order, no index, no shared flattening.
function naive(rules: readonly PolicyRule[], req: PolicyRequest): PolicyEvaluation {
  for (const rule of rules) {
    const filter = rule.actions
    const applies =
      filter.kind === 'any' ||
      (filter.kind === 'names' && filter.names.includes(req.action)) ||
      (filter.kind === 'test' && filter.test(req.action))
    const verdict = applies ? rule.evaluate(req) : null
    if (verdict) return verdict
  }
  return { decision: 'deny', reason: 'No matching policy (default deny)', rule: null }
}

describe('PolicyEngine with agent-action-policy rules', () => {
  const ruleSpec = fc.record({
    tool: fc.constantFrom('*', '*', 'shell', 'sh*', '~^fi'),
    args_pattern: fc.option(pattern, { nil: undefined }),
    action: fc.constantFrom('approve', 'deny', 'escalate'),
  })
  const args = fc.oneof(
    fc.dictionary(
      fc.constantFrom('cmd', 'path', 'b'),
      fc.oneof(text, fc.integer(), fc.array(text, { maxLength: 2 })),
    ),
    fc.constant({}),
  )

  it('decides exactly like evaluating every rule in order', () => {
    fc.assert(
      fc.property(
        fc.array(ruleSpec, { maxLength: 25 }),
        fc.array(fc.tuple(fc.constantFrom('shell', 'file', 'shx', 'web'), args), {
          minLength: 1,
          maxLength: 10,
        }),
        (specs, calls) => {
          const rules = specs.flatMap((spec, i) => {
            const parsed = aapRuleSchema.parse({
              name: `r${i}`,
              match: { tool: spec.tool, args_pattern: spec.args_pattern },
              action: spec.action,
            })
            const { rule } = compileAapRule(parsed, { file: 'p.yaml' }, (_path, message) => ({
              file: 'p.yaml',
              message,
            }))
            return rule ? [rule] : []
          })
          const engine = new PolicyEngine(rules)
          for (const [action, values] of calls) {
            const req = request(action, values)
            expect(engine.evaluate(req)).toEqual(naive(engine.rules, req))
          }
        },
      ),
      { numRuns: 500 },
    )
  })
})
