import { describe, expect, it } from 'vitest'
import { AirlockError } from '../../errors/airlock-error.js'
import { amountOver } from './amount-over.js'
import { approvalPolicy } from './approval-policy.js'
import { guardedCall } from './guarded-call.js'
import { matchArgs } from './match-args.js'
import { always, requireIf } from './require-if.js'

const refund = (amount: unknown) => guardedCall('refund', [{ order_id: 'o1', amount }])

describe('amountOver', () => {
  const policy = approvalPolicy(amountOver({ arg: 'amount', threshold: 100 }))
  it.each([
    [100, false],
    [100.0000001, true],
    ['4000', true],
    ['  250.5 ', true],
    ['100', false],
    ['1_000', true],
    [-5000, false],
  ])('with threshold 100, amount %j is held: %s', (amount, held) => {
    expect(policy.evaluate(refund(amount)).hold).toBe(held)
  })

  it.each([
    Number.NaN,
    'nan',
    'inf',
    '-inf',
    Number.POSITIVE_INFINITY,
    'lots',
    '',
    '0x1F4',
    null,
    [200],
    true,
    {},
  ])('holds the unusable amount %j instead of letting it through', (amount) => {
    const verdict = policy.evaluate(refund(amount))
    expect(verdict).toMatchObject({ hold: true, rule: 'amount_over(amount > 100)' })
  })

  it('compares bigint amounts without losing precision', () => {
    expect(policy.evaluate(refund(150n)).hold).toBe(true)
    expect(policy.evaluate(refund(100n)).hold).toBe(false)
  })

  it('lets a call through when the amount argument is absent', () => {
    expect(policy.evaluate(guardedCall('refund', [{ order_id: 'o1' }])).hold).toBe(false)
  })

  it('maps positional arguments through arg_names and by position', () => {
    const byName = guardedCall('refund', ['o1', 500], ['order_id', 'amount'])
    expect(policy.evaluate(byName)).toMatchObject({ hold: true, reason: "'amount' is 500, over 100" })
    const byPosition = approvalPolicy(amountOver({ arg: 1, threshold: 100 }))
    expect(byPosition.evaluate(guardedCall('refund', ['o1', 50])).hold).toBe(false)
    expect(byPosition.evaluate(guardedCall('refund', ['o1', 150])).hold).toBe(true)
  })

  it('holds a positional call it cannot see by name', () => {
    const verdict = policy.evaluate(guardedCall('refund', ['o1', 5]))
    expect(verdict).toMatchObject({ hold: true })
    expect(verdict.hold && verdict.reason).toContain('no names')
  })

  it('refuses a NaN or missing threshold when the policy is built', () => {
    expect(() => amountOver({ arg: 'amount', threshold: Number.NaN })).toThrow(AirlockError)
    expect(() => amountOver({ arg: '', threshold: 1 })).toThrow(/amount_over needs/)
  })
})

describe('matchArgs', () => {
  it('searches strings, numbers and JSON of other values', () => {
    const policy = approvalPolicy(matchArgs({ env: '(?i)^prod', card: '4242', tags: 'danger' }))
    expect(policy.evaluate(guardedCall('x', [{ env: 'PROD-eu' }])).hold).toBe(true)
    expect(policy.evaluate(guardedCall('x', [{ env: 'staging' }])).hold).toBe(false)
    expect(policy.evaluate(guardedCall('x', [{ card: 4242_0000 }])).hold).toBe(true)
    expect(policy.evaluate(guardedCall('x', [{ tags: ['ok', 'danger'] }])).hold).toBe(true)
    expect(policy.evaluate(guardedCall('x', [{ env: null }])).hold).toBe(false)
  })

  it('rejects an invalid or backtracking-only pattern when the policy is built', () => {
    expect(() => matchArgs({ env: '(' })).toThrow(AirlockError)
    expect(() => matchArgs({ env: '(a)\\1' })).toThrow(/invalid regex/)
  })

  // A backtracking engine would run for minutes here; the test's budget
  // catches that without timing a machine that may be busy.
  it('stays fast on input that makes backtracking engines explode', { timeout: 20_000 }, () => {
    const policy = approvalPolicy(matchArgs({ q: '^(a+)+$' }))
    expect(policy.evaluate(guardedCall('x', [{ q: `${'a'.repeat(50_000)}!` }])).hold).toBe(false)
  })
})

describe('requireIf and always', () => {
  it('holds when the predicate says so, and when it throws', () => {
    const policy = approvalPolicy(
      requireIf((call) => call.named?.customer === 'vip', 'vip_customer'),
      requireIf(() => {
        throw new Error('lookup failed')
      }, 'flaky'),
    )
    expect(policy.evaluate(guardedCall('x', [{ customer: 'vip' }]))).toMatchObject({ rule: 'vip_customer' })
    const verdict = policy.evaluate(guardedCall('x', [{ customer: 'joe' }]))
    expect(verdict).toMatchObject({ hold: true, rule: 'flaky' })
    expect(verdict.hold && verdict.reason).toContain('lookup failed')
  })

  it('holds every call with always() and with an empty policy', () => {
    expect(approvalPolicy(always()).evaluate(guardedCall('x', [])).hold).toBe(true)
    expect(approvalPolicy().evaluate(guardedCall('x', [{ amount: 1 }])).hold).toBe(true)
  })

  it('combines rules with OR', () => {
    const policy = approvalPolicy(
      amountOver({ arg: 'amount', threshold: 100 }),
      matchArgs({ reason: 'fraud' }),
    )
    expect(policy.evaluate(guardedCall('x', [{ amount: 5, reason: 'fraud suspected' }])).hold).toBe(true)
    expect(policy.evaluate(guardedCall('x', [{ amount: 5, reason: 'damaged' }])).hold).toBe(false)
  })
})
