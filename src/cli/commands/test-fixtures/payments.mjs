// A payment action for the approval command tests.
import { z } from 'zod'
import { defineAction } from '../../../actions/define-action.ts'

export const pay = defineAction({
  name: 'pay',
  description: 'Pay an amount to an IBAN',
  risk: 'high',
  input: z.object({ amount: z.int().positive(), iban: z.string() }),
  handler: ({ amount, iban }) => ({ paid: amount, account_ends: iban.slice(-4) }),
})
