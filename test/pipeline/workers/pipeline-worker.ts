/**
 * A separate OS process running the pipeline against a shared store, for
 * race and crash tests. Reads its job from argv[2] (JSON) and prints one JSON
 * line per event on stdout.
 */
import { z } from 'zod'
import { defineAction } from '../../../src/actions/define-action.js'
import { createAirlock } from '../../../src/airlock.js'
import { localPrincipal } from '../../../src/identity/principal.js'
import { allowAll } from '../../../src/policy/rules/index.js'
import { openStore } from '../../../src/store/open-store.js'
import type { Store } from '../../../src/store/store.js'

interface Job {
  store: string
  schema?: string
  seal_key: string
  mode: 'race' | 'crash' | 'resume'
  calls?: number
  key: string
  lease_ms?: number
}

const job = JSON.parse(process.argv[2] ?? '{}') as Job
const emit = (value: unknown) => process.stdout.write(`${JSON.stringify(value)}\n`)

async function open(): Promise<Store> {
  if (job.store.startsWith('postgres')) {
    const { postgresStore } = await import('../../../src/store/postgres/index.js')
    return postgresStore({ connectionString: job.store, ...(job.schema ? { schema: job.schema } : {}) })
  }
  return openStore(job.store)
}

const store = await open()
await store.migrate()

// The test counts real runs through the audit chain's `executed` events; the
// result names the process that ran it, so every replay must carry that pid.
const transfer = defineAction({
  name: 'transfer',
  description: 'Move money (test)',
  input: z.object({ amount: z.number(), to: z.string() }),
  risk: 'low',
  handler: async ({ amount, to }, ctx) => {
    if (job.mode === 'crash') {
      emit({ event: 'running', request_id: ctx.request_id })
      // Hang until killed; the timer keeps the process alive (an unsettled
      // promise alone would let Node exit).
      setInterval(() => undefined, 1_000)
      await new Promise(() => undefined)
    }
    await new Promise((r) => setTimeout(r, 50))
    return { moved: amount, to, by: process.pid }
  },
})
const refund = defineAction({
  name: 'refund',
  description: 'Refund (held)',
  input: z.object({ invoice: z.string(), secret_note: z.string() }),
  risk: 'high',
  approval_required: true,
  handler: ({ invoice }) => ({ refunded: invoice }),
})

const airlock = createAirlock({
  actions: [transfer, refund],
  policies: [allowAll()],
  store,
  seal: { keys: { k1: job.seal_key }, current: 'k1' },
  idempotency: { wait_ms: 20_000, lease_ms: job.lease_ms ?? 30_000, poll_ms: 20 },
})
const caller = localPrincipal('agent-1')

if (job.mode === 'race') {
  const outcomes = await Promise.allSettled(
    Array.from({ length: job.calls ?? 1 }, () =>
      airlock.execute('transfer', { amount: 10, to: 'acct-9' }, { caller, idempotency_key: job.key }),
    ),
  )
  for (const o of outcomes) {
    emit(
      o.status === 'fulfilled'
        ? { event: 'outcome', outcome: o.value }
        : { event: 'error', error: String(o.reason) },
    )
  }
} else if (job.mode === 'crash') {
  const held = await airlock.execute('refund', { invoice: 'inv-1', secret_note: 'pin 4321' }, { caller })
  emit({ event: 'held', outcome: held })
  await airlock.execute('transfer', { amount: 5, to: 'acct-1' }, { caller, idempotency_key: job.key })
}
await airlock.close()
