/**
 * Kill-switch freezes in process memory.
 *
 * @remarks Concurrency contract: `lift` checks and updates in one
 * synchronous step, so exactly one caller lifts a freeze.
 *
 * @module
 */
import type { Freeze, FreezeStore } from '../freeze-store.js'

export function memoryFreezes(): FreezeStore {
  const freezes = new Map<string, Freeze>()
  return {
    async add(freeze) {
      const stored: Freeze = { ...freeze, lifted_by: null, lifted_at: null }
      freezes.set(freeze.id, stored)
      return stored
    },
    async lift(id, by, at) {
      const freeze = freezes.get(id)
      if (!freeze || freeze.lifted_at !== null) return null
      const lifted = { ...freeze, lifted_by: by, lifted_at: at }
      freezes.set(id, lifted)
      return lifted
    },
    async active() {
      return [...freezes.values()]
        .filter((f) => f.lifted_at === null)
        .sort((a, b) =>
          a.created_at === b.created_at ? (a.id < b.id ? -1 : 1) : a.created_at < b.created_at ? -1 : 1,
        )
    },
  }
}
