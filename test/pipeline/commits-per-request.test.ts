import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { defineAction } from '../../src/actions/define-action.js'
import { createAirlock } from '../../src/airlock.js'
import { storedIdempotencyKey } from '../../src/idempotency/key-scope.js'
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

describe('the outcome committed with the last event', () => {
  it('keeps the event and leaves the key alone when the claim was lost to another caller', async () => {
    const inner = memoryStore()
    // Another caller took the key over: the store no longer knows this owner.
    const store: Store = {
      ...inner,
      batch: (ops) =>
        inner.batch(ops.map((op) => (op.kind === 'complete' ? { ...op, owner: 'someone-else' } : op))),
    }
    const airlock = createAirlock({ actions: [pay], policies: [allowAll()], store })
    const error = await airlock
      .execute('pay', { amount: 3 }, { caller, idempotency_key: 'k-3' })
      .catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'STORE_ERROR', message: expect.stringMatching(/Lost the claim/) })
    const statuses = (await inner.audit.range(0, 10)).map((e) => e.status)
    expect(statuses).toEqual(['started', 'executed'])
    // Nothing overwrote the key: it is still the in-flight claim the other caller owns.
    const key = storedIdempotencyKey('actor', caller.actor_id, 'k-3')
    const record = await inner.idempotency.get({ tenant_id: caller.tenant_id, action: 'pay', key })
    expect(record).toMatchObject({ state: 'in_flight', outcome: null })
    await airlock.close()
  })

  it('stores neither when their commit fails, and keeps the run from being repeated', async () => {
    const inner = memoryStore()
    let failing = true
    const store: Store = {
      ...inner,
      batch: async (ops) => {
        if (failing && ops.some((op) => op.kind === 'append' && op.event.status === 'executed')) {
          failing = false
          throw new Error('disk full')
        }
        return inner.batch(ops)
      },
    }
    const airlock = createAirlock({ actions: [pay], policies: [allowAll()], store })
    await expect(airlock.execute('pay', { amount: 4 }, { caller, idempotency_key: 'k-4' })).rejects.toThrow(
      'disk full',
    )
    expect((await inner.audit.range(0, 10)).map((e) => e.status)).toEqual(['started'])
    const retry = await airlock.execute('pay', { amount: 4 }, { caller, idempotency_key: 'k-4' })
    expect(retry).toMatchObject({ status: 'failed', replayed: true, error: { code: 'RESULT_UNKNOWN' } })
    await airlock.close()
  })
})
