import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { defineAction } from '../../src/actions/define-action.js'
import { createAirlock } from '../../src/airlock.js'
import { storedIdempotencyKey } from '../../src/idempotency/key-scope.js'
import { localPrincipal } from '../../src/identity/principal.js'
import { allowAll, requireApproval } from '../../src/policy/rules/index.js'
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
  const carried = { claims: 0 }
  const store: Store = {
    ...inner,
    batch: (ops) => {
      commits.push(ops.map((op) => op.kind))
      carried.claims += ops.filter((op) => op.kind === 'claim' && op.event !== undefined).length
      return inner.batch(ops)
    },
  }
  return { store, commits, carried }
}

describe('commits a request costs', () => {
  it('commits a keyed run in two: started with the claim, the last event with the outcome', async () => {
    const { store, commits } = countingStore()
    const airlock = createAirlock({ actions: [pay], policies: [allowAll()], store })
    const first = await airlock.execute('pay', { amount: 5 }, { caller, idempotency_key: 'k-1' })
    expect(first).toMatchObject({ status: 'executed', result: { paid: 5 } })
    expect(commits.splice(0)).toEqual([['claim'], ['append', 'complete']])
    const chain = await store.audit.range(0, 10)
    expect(chain.map((e) => [e.status, e.idempotency_key])).toEqual([
      ['started', 'k-1'],
      ['executed', 'k-1'],
    ])
    expect(chain[0]).toMatchObject({ request_id: first.request_id, inputs: { amount: 5 }, decision: 'allow' })

    // The stored outcome names the executed event, which is in the chain.
    const replay = await airlock.execute('pay', { amount: 5 }, { caller, idempotency_key: 'k-1' })
    expect(replay).toMatchObject({ status: 'executed', replayed: true, audit_id: expect.any(String) })
    const executed = await airlock.audit.get(first.audit_id)
    expect(executed).toMatchObject({ status: 'executed', idempotency_key: 'k-1' })
    // The replay's claim did not take the key: no second `started`.
    expect((await store.audit.range(0, 10)).map((e) => e.status)).toEqual(['started', 'executed', 'replayed'])
    await airlock.close()
  })

  it('writes one started for same-key calls at once, from the call that ran', async () => {
    const { store, carried } = countingStore()
    let release = () => {}
    const gate = new Promise<void>((resolve) => {
      release = resolve
    })
    const slow = defineAction({
      name: 'slow',
      description: 'Slow',
      input: z.object({}),
      risk: 'low',
      handler: async () => {
        await gate
        return { done: true }
      },
    })
    const airlock = createAirlock({ actions: [slow], policies: [allowAll()], store })
    const calls = [1, 2, 3].map(() => airlock.execute('slow', {}, { caller, idempotency_key: 'k-same' }))
    setTimeout(release, 100)
    const outcomes = await Promise.all(calls)
    expect(outcomes.filter((o) => 'replayed' in o && o.replayed === false)).toHaveLength(1)
    const statuses = (await store.audit.range(0, 10)).map((e) => e.status)
    expect(statuses.filter((s) => s === 'started')).toHaveLength(1)
    expect(statuses.filter((s) => s === 'executed')).toHaveLength(1)
    // Each call's first claim carried its started; the waiters' polls did not.
    expect(carried.claims).toBe(3)
    await airlock.close()
  })

  it('keeps the claim apart from started when the request waits for approval', async () => {
    const { store, commits } = countingStore()
    const airlock = createAirlock({
      actions: [pay],
      policies: [requireApproval()],
      store,
    })
    const held = await airlock.execute('pay', { amount: 7 }, { caller, idempotency_key: 'k-held' })
    expect(held).toMatchObject({ status: 'pending_approval' })
    expect(commits[0]).toEqual(['claim'])
    expect((await store.audit.range(0, 10)).map((e) => e.status)).not.toContain('started')
    await airlock.close()
  })

  it('does the same for a failed run, and costs no extra commit without a key', async () => {
    const { store, commits } = countingStore()
    const airlock = createAirlock({ actions: [pay], policies: [allowAll()], store })
    const failed = await airlock.execute('pay', { amount: -1 }, { caller, idempotency_key: 'k-2' })
    expect(failed).toMatchObject({ status: 'failed', error: { message: 'negative amount' } })
    expect(commits.splice(0)).toEqual([['claim'], ['append', 'complete']])
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
    expect(error).toMatchObject({
      code: 'IDEMPOTENCY_CLAIM_LOST',
      message: expect.stringMatching(/Lost the claim/),
    })
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
