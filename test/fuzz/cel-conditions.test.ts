/**
 * Property tests over CEL `when:` conditions: any text compiles or is refused
 * with a message (never a throw), a condition in a policy file that does not
 * compile is a ConfigError naming its line, and evaluation over any
 * arguments gives true, false or 'error' within a time bound.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { stringify } from 'yaml'
import { parsePolicies } from '../../src/policy/load-policies.js'
import { compileCelCondition } from '../../src/policy/matchers/cel-condition.js'
import type { PolicyRequest } from '../../src/policy/policy-rule.js'
import { expectParsesOrLocates, expectQuick, fuzzRuns, nastyString } from './fuzz-support.js'

const runs = fuzzRuns(60)

const celToken = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom('action', 'args', 'target', 'caller', 'risk', 'now', 'args.x', 'args.list'),
  },
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      ' == ',
      ' != ',
      ' && ',
      ' || ',
      ' ? ',
      ' : ',
      ' + ',
      ' * ',
      ' / ',
      ' % ',
      ' in ',
      '!',
      '-',
      '(',
      ')',
      '[',
      ']',
      '{',
      '}',
      ', ',
      '.',
      'size(',
      'has(',
      'int(',
      'string(',
      'timestamp(',
      'duration(',
      '.all(x, ',
      '.exists(x, ',
      '.map(x, ',
      '.filter(x, ',
      '.matches(',
      '.startsWith(',
      'x',
      'true',
      'null',
      '0',
      '1',
      '9223372036854775807',
      '18446744073709551615u',
      '1e308',
      '"a"',
      "'(a+)+$'",
      'b"\\xff"',
      '"\\u0000"',
      'type(',
      'dyn(',
    ),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 6 }) },
)
const celText = fc.array(celToken, { maxLength: 25 }).map((parts) => parts.join(''))

const REQUEST_BASE = {
  action: 'restart-deployment',
  definition: undefined,
  target_id: null,
  target: undefined,
  caller: undefined,
  risk_class: 'low',
  effective_risk: 'low',
  ticket_id: null,
  now: new Date('2026-01-01T00:00:00Z'),
} as const

const RULE = { name: 'r', decision: 'allow', reason: 'fuzz' }

describe('CEL conditions', () => {
  it('load in a policy file when they compile', () => {
    const text = stringify({ rules: [{ ...RULE, match: { actions: ['*'], when: 'has(args.x)' } }] })
    expect(() => parsePolicies(text, 'p.yaml')).not.toThrow()
  })

  it('compile or say why, and evaluate to true, false or error for any arguments', () => {
    fc.assert(
      fc.property(
        celText,
        fc.dictionary(fc.constantFrom('x', 'list', 'n', 'y'), fc.jsonValue({ maxDepth: 3 })),
        (source, args) => {
          const started = performance.now()
          const compiled = compileCelCondition(source)
          if (!compiled.ok) expect(compiled.message).toMatch(/CEL expression/)
          else {
            const request = { ...REQUEST_BASE, args } as PolicyRequest
            expect([true, false, 'error']).toContain(compiled.evaluate(request))
          }
          expectQuick(started, source)
        },
      ),
      { numRuns: runs },
    )
  })

  it('that do not compile fail the policy file with their line', () => {
    fc.assert(
      fc.property(fc.oneof(celText, nastyString), (when) => {
        const text = stringify({ rules: [{ ...RULE, match: { actions: ['*'], when } }] })
        expectParsesOrLocates(() => parsePolicies(text, 'p.yaml'), text)
      }),
      { numRuns: runs },
    )
  })

  it('stay quick on nested comprehensions over large lists', () => {
    const compiled = compileCelCondition(
      'args.list.all(a, args.list.all(b, args.list.exists(c, a + b + c == -1)))',
    )
    if (!compiled.ok) throw new Error(compiled.message)
    const args = { list: Array.from({ length: 60 }, (_, i) => i) }
    const started = performance.now()
    expect(compiled.evaluate({ ...REQUEST_BASE, args } as PolicyRequest)).toBe(false)
    expectQuick(started, 'nested comprehensions')
  })
})
