// Type-level tests: run by vitest's typecheck mode (`*.test-d.ts`), where a
// wrong type fails the run; under plain `vitest run` expectTypeOf cannot fail.
import { describe, expectTypeOf, it } from 'vitest'
import { z } from 'zod'
import type { ParamIssue } from './action-definition.js'
import { defineAction } from './define-action.js'

const issueRefund = defineAction({
  name: 'issue_refund',
  description: 'Refund part or all of an order to the customer.',
  input: z.object({
    order_id: z.string().min(1),
    amount_cents: z.int().positive(),
    reason: z.enum(['damaged', 'late', 'other']).default('other'),
    notify: z.object({ email: z.email() }).optional(),
  }),
  output: z.object({ refund_id: z.string() }),
  risk: 'high',
  handler: async (input) => ({ refund_id: `rf-${input.order_id}-${input.amount_cents}` }),
})

describe('defineAction types', () => {
  it('infers handler and validate types from the schemas', () => {
    expectTypeOf(issueRefund.validate).returns.toEqualTypeOf<
      | {
          readonly ok: true
          readonly value: {
            order_id: string
            amount_cents: number
            reason: 'damaged' | 'late' | 'other'
            notify?: { email: string } | undefined
          }
        }
      | { readonly ok: false; readonly issues: readonly ParamIssue[] }
    >()
    expectTypeOf(issueRefund.handler).parameter(0).toEqualTypeOf<{
      order_id: string
      amount_cents: number
      reason: 'damaged' | 'late' | 'other'
      notify?: { email: string } | undefined
    }>()
    const inferred = defineAction({
      name: 'count',
      description: 'd',
      input: z.object({ n: z.number() }),
      risk: 'low',
      handler: ({ n }) => n * 2,
    })
    expectTypeOf(inferred.handler).returns.toEqualTypeOf<number | Promise<number>>()
  })
})
