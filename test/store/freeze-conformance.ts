/**
 * Kill-switch freezes and the announced policy version, held to one
 * behaviour by every store.
 *
 * @module
 */
import { randomBytes } from 'node:crypto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { NewFreeze, Store } from '../../src/store/store.js'

function sampleFreeze(overrides: Partial<NewFreeze> = {}): NewFreeze {
  return {
    id: `frz-${randomBytes(12).toString('hex')}`,
    scope: { kind: 'agent', value: 'agent-7' },
    reason: 'agent-7 is looping',
    created_by: 'root',
    created_at: '2030-01-01T00:00:00.000Z',
    ...overrides,
  }
}

export function describeFreezeConformance(name: string, makeStore: () => Promise<Store>): void {
  describe(`${name} store: freezes and policy head`, () => {
    let store: Store
    beforeEach(async () => {
      store = await makeStore()
      await store.migrate()
    })
    afterEach(async () => {
      await store.close()
    })

    it('keeps freezes in force, oldest first, until lifted', async () => {
      const freezes = store.freezes!
      const all = await freezes.add(
        sampleFreeze({ scope: { kind: 'all' }, created_at: '2030-01-01T00:00:01.000Z' }),
      )
      const agent = await freezes.add(sampleFreeze())
      expect(await freezes.active()).toEqual([agent, all])
      expect(agent).toMatchObject({ lifted_by: null, lifted_at: null })
      const lifted = await freezes.lift(agent.id, 'bob', '2030-01-01T00:01:00.000Z')
      expect(lifted).toEqual({ ...agent, lifted_by: 'bob', lifted_at: '2030-01-01T00:01:00.000Z' })
      expect(await freezes.active()).toEqual([all])
      expect(await freezes.lift(agent.id, 'carol', '2030-01-01T00:02:00.000Z')).toBeNull()
      expect(await freezes.lift('frz-unknown', 'carol', '2030-01-01T00:02:00.000Z')).toBeNull()
    })

    it('lets exactly one of many concurrent callers lift a freeze', async () => {
      const freeze = await store.freezes!.add(sampleFreeze({ scope: { kind: 'tenant', value: 'acme' } }))
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          store.freezes!.lift(freeze.id, `admin-${i}`, '2030-01-02T00:00:00.000Z'),
        ),
      )
      expect(results.filter((r) => r !== null)).toHaveLength(1)
    })

    it('keeps the last policy announcement', async () => {
      const heads = store.policy_head!
      expect(await heads.head()).toBeNull()
      const first = {
        hash: 'a'.repeat(64),
        version: 'sha256:aaaaaaaaaaaaaaaa',
        label: null,
        announced_by: 'replica-1',
        announced_at: '2030-01-01T00:00:00.000Z',
      }
      await heads.announce(first)
      expect(await heads.head()).toEqual(first)
      const second = { ...first, hash: 'b'.repeat(64), version: 'sha256:bbbbbbbbbbbbbbbb', label: 'tighter' }
      await heads.announce(second)
      expect(await heads.head()).toEqual(second)
    })
  })
}
