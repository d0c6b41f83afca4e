/**
 * Shipper cursors in memory.
 *
 * @module
 */
import { checkCursorMove, checkShipperName } from '../internal/cursor-advance.js'
import type { ShipperCursor, ShipperCursorStore } from '../shipper-cursor-store.js'

/** The cursor store of the in-memory store; each call runs without yielding, so `advance` is atomic. */
export function memoryShipperCursors(): ShipperCursorStore {
  const cursors = new Map<string, ShipperCursor>()
  return {
    async get(name) {
      checkShipperName(name)
      return cursors.get(name) ?? { name, seq: 0, updated_at: null }
    },
    async advance(name, from, to, now) {
      const at = checkCursorMove(name, from, to, now)
      if ((cursors.get(name)?.seq ?? 0) !== from) return false
      cursors.set(name, { name, seq: to, updated_at: at })
      return true
    },
    async list() {
      return [...cursors.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    },
  }
}
