import { getEventListeners } from 'node:events'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { defineAction } from '../../src/actions/define-action.js'
import { createAirlock } from '../../src/airlock.js'
import { localPrincipal } from '../../src/identity/principal.js'
import { allowAll } from '../../src/policy/rules/index.js'

const caller = localPrincipal('agent-1')

describe("the handler's abort signal", () => {
  it("follows the caller's signal, whether the caller aborts before or while the handler looks", async () => {
    const seen: boolean[] = []
    const wait = defineAction({
      name: 'wait',
      description: 'Waits for its signal',
      input: z.object({ look_late: z.boolean() }),
      risk: 'low',
      handler: async ({ look_late }, { signal }) => {
        if (!look_late) {
          seen.push(signal.aborted)
          return 'looked first'
        }
        await new Promise((resolve) => setTimeout(resolve, 20))
        seen.push(signal.aborted)
        return 'looked late'
      },
    })
    const airlock = createAirlock({ actions: [wait], policies: [allowAll()] })
    expect(await airlock.execute('wait', { look_late: false }, { caller })).toMatchObject({
      status: 'executed',
    })
    const caller_ = new AbortController()
    const running = airlock.execute('wait', { look_late: true }, { caller, signal: caller_.signal })
    setTimeout(() => caller_.abort(new Error('client went away')), 5)
    await running
    expect(seen).toEqual([false, true])

    // A handler that takes its signal before the caller aborts is told too.
    const told: string[] = []
    const listen = defineAction({
      name: 'listen',
      description: 'Listens on its signal',
      input: z.object({}),
      risk: 'low',
      handler: async (_, { signal }) => {
        await new Promise<void>((resolve) => {
          signal.addEventListener('abort', () => {
            told.push(String((signal.reason as Error).message))
            resolve()
          })
        })
      },
    })
    const second = createAirlock({ actions: [listen], policies: [allowAll()] })
    const abort = new AbortController()
    const call = second.execute('listen', {}, { caller, signal: abort.signal })
    setTimeout(() => abort.abort(new Error('cancelled')), 5)
    await call
    expect(told).toEqual(['cancelled'])
    await airlock.close()
    await second.close()
  })
  it("leaves nothing on the caller's signal when the handler's is read after it returned", async () => {
    let later: (() => AbortSignal) | undefined
    const keep = defineAction({
      name: 'keep',
      description: 'Leaves work behind',
      input: z.object({}),
      risk: 'low',
      handler: (_, context) => {
        later = () => context.signal
        return 'done'
      },
    })
    const airlock = createAirlock({ actions: [keep], policies: [allowAll()] })
    const shared = new AbortController()
    for (let i = 0; i < 3; i++) await airlock.execute('keep', {}, { caller, signal: shared.signal })
    expect(later?.().aborted).toBe(false)
    expect(getEventListeners(shared.signal, 'abort')).toHaveLength(0)
    await airlock.close()
  })
})
