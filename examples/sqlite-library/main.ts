import { allowAll, createAirlock, defineAction, sealKeyFile } from 'airlock'
import { sqliteStore } from 'airlock/sqlite'
import { z } from 'zod'

const refund = defineAction({
  name: 'issue_refund',
  description: 'Refund part of a paid invoice',
  risk: 'high',
  approval_required: true,
  input: z.object({ invoice_id: z.string(), amount: z.number().positive() }),
  handler: ({ invoice_id, amount }) => ({ refunded: amount, invoice_id }),
})

const airlock = createAirlock({
  actions: [refund],
  policies: [allowAll()],
  store: sqliteStore({ path: './.airlock/airlock.db' }), // created and migrated on open
  seal: await sealKeyFile('./.airlock/seal.key'), // made on first use, beside the database
})

const outcome = await airlock.execute(
  'issue_refund',
  { invoice_id: 'inv_1', amount: 10 },
  { caller: 'agent-1' },
)
console.log(outcome.status) // pending_approval: a human decides with `airlock approval approve <id>`
await airlock.close()
