import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { defineAction } from '../../src/actions/define-action.js'
import { createAirlock } from '../../src/airlock.js'
import { AirlockError } from '../../src/errors/airlock-error.js'
import { ErrorCode } from '../../src/errors/error-codes.js'
import { localPrincipal } from '../../src/identity/principal.js'
import { allowAll } from '../../src/policy/rules/index.js'
import { memoryStore } from '../../src/store/memory/index.js'
import type { Store } from '../../src/store/store.js'

// A run holds its idempotency key by renewing a lease. These tests take the
// lease away while the handler runs, as a store outage or a replica whose
// clock runs ahead does, and check that the handler is told to stop.

const agent = localPrincipal('agent-7', { roles: ['agent'] })
const LEASE_MS = 150

/** An action whose handler runs until its signal aborts, and reports why it stopped. */
function untilStopped() {
  const stops: unknown[] = []
  let started = 0
  const action = defineAction({
    name: 'long_job',
    description: 'Runs until it is asked to stop',
    input: z.object({ job: z.string() }),
    risk: 'low',
    handler: (_input, { signal }) => {
      started++
      return new Promise((_resolve, reject) => {
        signal.addEventListener('abort', () => {
          stops.push(signal.reason)
          reject(signal.reason)
        })
      })
    },
  })
  return { action, stops, started: () => started }
}

/**
 * The store, its lease renewals failing while `down` is set, or never
 * answering while `hung` is (the rest of it keeps working); `renewed` counts
 * the renewals it granted.
 */
function renewalsFailWhileDown(store: Store) {
  const state = { down: false, hung: false, renewed: 0 }
  const idempotency = {
    ...store.idempotency,
    extend: async (...args: Parameters<Store['idempotency']['extend']>) => {
      if (state.hung) return new Promise<boolean>(() => undefined)
      if (state.down) throw new AirlockError(ErrorCode.STORE_UNAVAILABLE, 'the database is unreachable')
      const held = await store.idempotency.extend(...args)
      if (held) state.renewed++
      return held
    },
  }
  return { store: { ...store, idempotency }, state }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** A gateway running {@link untilStopped}'s action over a store whose renewals the test controls. */
function renewingRun(lease_ms: number) {
  const job = untilStopped()
  const { store, state } = renewalsFailWhileDown(memoryStore())
  const airlock = createAirlock({
    actions: [job.action],
    policies: [allowAll()],
    store,
    idempotency: { lease_ms },
  })
  return { job, state, airlock }
}

describe('a run that loses its idempotency claim', () => {
  it('is stopped once its lease has run out while the store could not renew it', async () => {
    const { job, state, airlock } = renewingRun(LEASE_MS)
    state.down = true
    const outcome = await airlock.execute('long_job', { job: 'a' }, { caller: agent, idempotency_key: 'k1' })
    expect(outcome).toMatchObject({
      status: 'failed',
      error: {
        code: 'IDEMPOTENCY_CLAIM_LOST',
        message: expect.stringContaining('its lease ran out while the store could not renew it'),
      },
    })
    expect(job.stops).toHaveLength(1)
    await airlock.close()
  })

  it('is stopped once its lease has run out while a renewal never answered', async () => {
    const { job, state, airlock } = renewingRun(LEASE_MS)
    state.hung = true
    const outcome = await airlock.execute('long_job', { job: 'a' }, { caller: agent, idempotency_key: 'k1' })
    expect(outcome).toMatchObject({ status: 'failed', error: { code: 'IDEMPOTENCY_CLAIM_LOST' } })
    expect(job.stops).toHaveLength(1)
    await airlock.close()
  })

  it('runs on after renewals fail, until the last lease the store granted has run out', async () => {
    const { job, state, airlock } = renewingRun(1_500)
    // Renewed at about 500 and 1,000 ms: the lease then runs to about 2,500 ms.
    const running = airlock.execute('long_job', { job: 'a' }, { caller: agent, idempotency_key: 'k1' })
    await sleep(1_200)
    expect(state.renewed).toBeGreaterThanOrEqual(2)
    state.down = true
    // Past the first lease (1,500 ms), within the renewed one.
    await sleep(800)
    expect(job.stops).toEqual([])
    expect(await running).toMatchObject({ status: 'failed', error: { code: 'IDEMPOTENCY_CLAIM_LOST' } })
    expect(job.stops).toHaveLength(1)
    await airlock.close()
  })

  it('keeps running while renewals fail within the lease it was granted', async () => {
    const { job, state, airlock } = renewingRun(1_500)
    state.down = true
    const controller = new AbortController()
    const running = airlock.execute(
      'long_job',
      { job: 'a' },
      { caller: agent, idempotency_key: 'k1', signal: controller.signal },
    )
    // Two renewals (every 500 ms) fail, but the first lease has 1.5 s to run.
    await sleep(1_100)
    expect(job.stops).toEqual([])
    controller.abort('the caller gave up')
    expect(await running).toMatchObject({ status: 'failed' })
    expect(job.stops).toEqual(['the caller gave up'])
    await airlock.close()
  })

  it('is stopped when a replica whose clock runs ahead took the key over', async () => {
    const shared = memoryStore()
    const here = untilStopped()
    const there = untilStopped()
    const replica = (action: typeof here.action, now?: () => Date) =>
      createAirlock({
        actions: [action],
        policies: [allowAll()],
        store: shared,
        idempotency: { lease_ms: LEASE_MS },
        ...(now ? { now } : {}),
      })
    const first = replica(here.action)
    // An hour ahead, the second replica reads the first one's lease as long past.
    const ahead = replica(there.action, () => new Date(Date.now() + 3_600_000))
    const call = (airlock: typeof first) =>
      airlock.execute('long_job', { job: 'a' }, { caller: agent, idempotency_key: 'k1' })
    const running = call(first)
    await sleep(20)
    const controller = new AbortController()
    const taking = ahead.execute(
      'long_job',
      { job: 'a' },
      { caller: agent, idempotency_key: 'k1', signal: controller.signal },
    )
    // Stopped, its end can no longer be stored under the key: the call says so rather than answering.
    await expect(running).rejects.toMatchObject({
      code: 'IDEMPOTENCY_CLAIM_LOST',
      message: expect.stringContaining('before its outcome could be stored'),
    })
    expect(here.stops).toEqual([
      expect.objectContaining({ message: expect.stringContaining('another call took the key over') }),
    ])
    expect(there.started()).toBe(1)
    controller.abort('done')
    await taking
    await first.close()
    await ahead.close()
  })
})
