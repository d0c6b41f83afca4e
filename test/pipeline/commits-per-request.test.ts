import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { defineAction } from '../../src/actions/define-action.js'
import { createAirlock } from '../../src/airlock.js'
import { localPrincipal } from '../../src/identity/principal.js'
import { allowAll } from '../../src/policy/rules/index.js'
import { memoryStore } from '../../src/store/memory/index.js'
import type { Store, WriteOp } from '../../src/store/store.js'

const caller = localPrincipal('agent-1')

const pay = defineAction({
  name: 'pay',
  description: 'Pay',
  input: z.object({ amount: z.number() }),
  risk: 'low',
  handler: ({ amount }) => {
    if (amount < 0) throw new Error('negative amount')
    return { paid: amount }
  },
})

/** A memory store that keeps the ops of each commit. */
function countingStore() {
  const inner = memoryStore()
  const commits: WriteOp['kind'][][] = []
  const store: Store = {
    ...inner,
    batch: (ops) => {
      commits.push(ops.map((op) => op.kind))
      return inner.batch(ops)
    },
  }
  return { store, commits }
}

describe('commits a request costs', () => {
  it('stores a keyed outcome in the commit of the event that ends the run', async () => {
    const { store, commits } = countingStore()
    const airlock = createAirlock({ actions: [pay], policies: [allowAll()], store })
    const first = await airlock.execute('pay', { amount: 5 }, { caller, idempotency_key: 'k-1' })
    expect(first).toMatchObject({ status: 'executed', result: { paid: 5 } })
    expect(commits).toEqual([['claim'], ['append'], ['append', 'complete']])

    // The stored outcome names the executed event, which is in the chain.
    const replay = await airlock.execute('pay', { amount: 5 }, { caller, idempotency_key: 'k-1' })
    expect(replay).toMatchObject({ status: 'executed', replayed: true, audit_id: expect.any(String) })
    const executed = await airlock.audit.get(first.audit_id)
    expect(executed).toMatchObject({ status: 'executed', idempotency_key: 'k-1' })
    await airlock.close()
  })

  it('does the same for a failed run, and costs no extra commit without a key', async () => {
    const { store, commits } = countingStore()
    const airlock = createAirlock({ actions: [pay], policies: [allowAll()], store })
    const failed = await airlock.execute('pay', { amount: -1 }, { caller, idempotency_key: 'k-2' })
    expect(failed).toMatchObject({ status: 'failed', error: { message: 'negative amount' } })
    expect(commits.splice(0)).toEqual([['claim'], ['append'], ['append', 'complete']])
    const again = await airlock.execute('pay', { amount: -1 }, { caller, idempotency_key: 'k-2' })
    expect(again).toMatchObject({ status: 'failed', replayed: true, audit_id: expect.any(String) })
    commits.splice(0)

    await airlock.execute('pay', { amount: 1 }, { caller })
    expect(commits).toEqual([['append'], ['append']])
    await airlock.close()
  })
})
