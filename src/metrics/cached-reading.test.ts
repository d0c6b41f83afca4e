import { describe, expect, it } from 'vitest'
import { cachedReading } from './cached-reading.js'

describe('cachedReading', () => {
  it('reads once per interval, shares a read in flight, and keeps the last value when a read fails', async () => {
    let clock = 0
    let reads = 0
    let fail = false
    const read = cachedReading(
      async () => {
        reads++
        if (fail) throw new Error('store down')
        return reads * 10
      },
      { ttl_ms: 5000, now: () => clock },
    )
    expect(await Promise.all([read(), read()])).toEqual([10, 10])
    clock = 4999
    expect(await read()).toBe(10)
    expect(reads).toBe(1)
    clock = 5000
    expect(await read()).toBe(20)
    fail = true
    clock = 10_000
    expect(await read()).toBe(20)
    expect(reads).toBe(3)
  })
})
