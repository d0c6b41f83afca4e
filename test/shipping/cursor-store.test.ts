// needs-services: postgres
import { afterAll, describe, expect, it } from 'vitest'
import type { ShipperCursorStore } from '../../src/store/store.js'
import { shippingBackends } from './backends.js'

const { backends, cleanup } = shippingBackends('cursors')
afterAll(cleanup)

const NOW = '2026-01-01T00:00:00.000Z'

describe.each(backends)('shipper cursors on $name', (backend) => {
  async function open() {
    const made = backend.fresh()
    await made.store.migrate()
    return { ...made, cursors: made.store.shipping as ShipperCursorStore }
  }

  it('starts at 0 and moves forward only from where it is', async () => {
    const { cursors } = await open()
    expect(await cursors.get('files')).toEqual({ name: 'files', seq: 0, updated_at: null })
    expect(await cursors.advance('files', 0, 5, NOW)).toBe(true)
    expect(await cursors.advance('files', 0, 7, NOW)).toBe(false)
    expect(await cursors.advance('files', 5, 9, NOW)).toBe(true)
    expect(await cursors.get('files')).toMatchObject({ seq: 9, updated_at: NOW })
    expect((await cursors.get('other')).seq).toBe(0)
    await expect(cursors.advance('files', 9, 3, NOW)).rejects.toMatchObject({ code: 'BAD_REQUEST' })
    expect((await cursors.list()).map((c) => [c.name, c.seq])).toEqual([['files', 9]])
  })

  it('keeps each cursor across a restart', async () => {
    const { store, reopen, cursors } = await open()
    await cursors.advance('siem', 0, 42, NOW)
    if (backend.name !== 'memory') await store.close()
    const again = reopen()
    await again.migrate()
    expect((await again.shipping!.get('siem')).seq).toBe(42)
    await again.close()
  })

  it('lets exactly one of many concurrent movers from the same seq win', async () => {
    const { store, reopen, cursors } = await open()
    await cursors.advance('race', 0, 1, NOW)
    // Separate store objects: separate connections for the SQL backends.
    const others = Array.from({ length: 6 }, () => (backend.name === 'memory' ? store : reopen()))
    const results = await Promise.all(others.map((s, i) => s.shipping!.advance('race', 1, 10 + i, NOW)))
    expect(results.filter(Boolean)).toHaveLength(1)
    const winner = 10 + results.indexOf(true)
    expect((await cursors.get('race')).seq).toBe(winner)
    if (backend.name === 'sqlite') for (const s of others) await s.close()
  })
})
