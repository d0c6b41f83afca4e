import { describe, expect, expectTypeOf, it } from 'vitest'
import { z } from 'zod'
import { defineAction } from '../../src/actions/define-action.js'
import { createAirlock } from '../../src/airlock.js'
import { localPrincipal } from '../../src/identity/principal.js'
import * as airlock from '../../src/index.js'
import { allowAll, denyAll } from '../../src/policy/rules/index.js'

const transfer = defineAction({
  name: 'transfer',
  description: 'Moves money',
  risk: 'low',
  required_scopes: ['a', 'b'],
  input: z.object({}),
  handler: () => 'moved',
})

const getInvoice = defineAction({
  name: 'get_invoice',
  description: 'Reads an invoice',
  risk: 'low',
  input: z.object({ invoice_id: z.string() }),
  handler: ({ invoice_id }) => ({ id: invoice_id, amount: 42 }),
})

describe('authorize', () => {
  it('checks required scopes before policy: a deny-all answer names the missing scope', async () => {
    const pipeline = createAirlock({ actions: [transfer], policies: [denyAll()] })
    const caller = localPrincipal('agent', { scopes: ['a'] })
    const decision = pipeline.decide('transfer', {}, { caller })
    expect(decision).toMatchObject({ decision: 'deny', reason: 'Missing required scopes: b' })
    const outcome = await pipeline.execute('transfer', {}, { caller })
    expect(outcome).toMatchObject({ status: 'denied', code: 'SCOPE_MISSING' })
    await pipeline.close()
  })

  it('hands out decisions that cannot be edited into another one', async () => {
    const pipeline = createAirlock({ actions: [transfer], policies: [denyAll()] })
    const decided = pipeline.decide('transfer', {}, { caller: 'agent' })
    expect(() => {
      ;(decided as { decision: string }).decision = 'allow'
    }).toThrow(TypeError)
    expect(decided.decision).toBe('deny')
    const checked = await pipeline.check('transfer', {}, { caller: 'agent' })
    expect(() => {
      ;(checked as { decision: string }).decision = 'allow'
    }).toThrow(TypeError)
    expect(Object.isFrozen(checked.param_errors)).toBe(true)
    await pipeline.close()
  })
})

describe('execute typed by the action', () => {
  it('gives outcome.result the handler’s return type when called with the definition', async () => {
    const pipeline = createAirlock({ actions: [getInvoice], policies: [allowAll()] })
    const outcome = await pipeline.execute(getInvoice, { invoice_id: 'inv_1' }, { caller: 'agent' })
    expect(outcome.status).toBe('executed')
    if (outcome.status !== 'executed') return
    expectTypeOf(outcome.result).toEqualTypeOf<{ id: string; amount: number }>()
    expect(outcome.result.amount).toBe(42)
    const byName = await pipeline.execute('get_invoice', { invoice_id: 'inv_1' }, { caller: 'agent' })
    if (byName.status === 'executed') expectTypeOf(byName.result).toBeUnknown()
    await pipeline.close()
  })
})

describe('the root entry point', () => {
  it('exports verifyIdentity, which its declarations name', () => {
    expect(typeof airlock.verifyIdentity).toBe('function')
  })
})
