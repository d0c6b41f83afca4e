import { describe, expect, it } from 'vitest'
import { memoryStore } from '../store/memory/index.js'
import type { StoredAuditRow } from '../store/store.js'
import type { AuditEvent, AuditEventInput } from './audit-event.js'
import { canonicalJson } from './canonical-json.js'
import { chainHash } from './hash-chain.js'
import { verifyChain, verifyStore } from './verify-chain.js'

function input(i: number): AuditEventInput {
  return {
    id: `evt-${String(i).padStart(24, '0')}`,
    ts: '2030-01-01T00:00:00.000Z',
    tenant_id: 'acme',
    request_id: `req-${i}`,
    status: 'allowed',
    action: 'deploy',
    actor: 'alice',
    target: null,
    decision: 'allow',
    reason: `reason ${i}`,
    rule: null,
    risk_class: 'low',
    effective_risk: 'low',
    inputs: { i },
    result: null,
    error: null,
    approval_id: null,
    approver: null,
    idempotency_key: null,
    ticket_id: null,
    context: null,
  }
}

async function chain(n: number): Promise<AuditEvent[]> {
  const store = memoryStore()
  return [...(await store.audit.append(Array.from({ length: n }, (_, i) => input(i))))]
}

describe('verifyChain', () => {
  it('accepts an intact chain and counts it', async () => {
    expect(await verifyChain(await chain(5))).toEqual({ valid: true, count: 5 })
    expect(await verifyChain([])).toEqual({ valid: true, count: 0 })
  })

  it('reports a modified event by its seq', async () => {
    const events = await chain(5)
    events[2] = { ...events[2]!, reason: 'forged' }
    expect(await verifyChain(events)).toEqual({
      valid: false,
      seq: 3,
      count: 2,
      reason: 'hash does not match the content: the event was modified',
    })
  })

  it('reports a modified event even when its hash was recomputed', async () => {
    const events = await chain(4)
    const forged = { ...events[1]!, reason: 'forged' }
    const { prev_hash, hash: _, ...body } = forged
    events[1] = { ...forged, hash: chainHash(prev_hash, body) }
    const result = await verifyChain(events)
    expect(result).toMatchObject({ valid: false, seq: 3, reason: expect.stringMatching(/prev_hash/) })
  })

  it("never takes a forged event's own event or body field for what was hashed", async () => {
    const events = await chain(3)
    const genuine = events[1]!
    const { prev_hash: _p, hash: _h, ...body } = genuine
    // A forged event smuggling the genuine one, and its canonical body, inside itself.
    events[1] = { ...genuine, reason: 'forged', event: genuine, body: canonicalJson(body) } as AuditEvent
    expect(await verifyChain(events)).toMatchObject({
      valid: false,
      seq: 2,
      reason: expect.stringMatching(/modified/),
    })
  })

  it('hashes the canonical body text a caller hands over with the event', async () => {
    const items = (await chain(3)).map((event, i) => {
      const { prev_hash: _p, hash: _h, ...body } = event
      return { line: i + 1, event, body: canonicalJson(body) }
    })
    expect(await verifyChain(items)).toEqual({ valid: true, count: 3 })
    items[1] = { ...items[1]!, body: items[1]!.body.replace('reason 1', 'reason X') }
    expect(await verifyChain(items)).toMatchObject({
      valid: false,
      seq: 2,
      line: 2,
      reason: expect.stringMatching(/modified/),
    })
  })

  it('reports a deleted event', async () => {
    const events = await chain(5)
    events.splice(1, 1)
    expect(await verifyChain(events)).toMatchObject({
      valid: false,
      seq: 3,
      count: 1,
      reason: 'seq 3 follows seq 1: events are missing or out of order',
    })
  })

  it('reports reordered or repeated events', async () => {
    const events = await chain(4)
    ;[events[1], events[2]] = [events[2]!, events[1]!]
    expect(await verifyChain(events)).toMatchObject({
      valid: false,
      seq: 3,
      reason: /missing or out of order/,
    })
    const repeated = await chain(3)
    repeated.splice(2, 0, repeated[1]!)
    expect(await verifyChain(repeated)).toMatchObject({
      valid: false,
      seq: 2,
      count: 2,
      reason: 'seq 2 appears where seq 3 belongs: events are out of order or repeated',
    })
  })

  it('names the line when items carry one', async () => {
    const events = await chain(3)
    events[1] = { ...events[1]!, actor: 'mallory' }
    const items = events.map((event, i) => ({ line: i + 1, event }))
    expect(await verifyChain(items)).toMatchObject({
      valid: false,
      seq: 2,
      line: 2,
      reason: 'line 2: hash does not match the content: the event was modified',
    })
  })

  it('verifies a segment that starts after a known link', async () => {
    const events = await chain(6)
    const after = { seq: events[2]!.seq, hash: events[2]!.hash }
    expect(await verifyChain(events.slice(3), { after })).toEqual({ valid: true, count: 3 })
    expect(await verifyChain(events.slice(3))).toMatchObject({ valid: false, seq: 4 })
  })

  it('reads an async iterable', async () => {
    const events = await chain(3)
    async function* gen() {
      yield* events
    }
    expect(await verifyChain(gen())).toEqual({ valid: true, count: 3 })
  })
})

describe('verifyStore', () => {
  it('pages through the whole chain', async () => {
    const store = memoryStore()
    await store.audit.append(Array.from({ length: 25 }, (_, i) => input(i)))
    expect(await verifyStore(store, { pageSize: 7 })).toEqual({ valid: true, count: 25 })
  })

  it('reports events cut off the end against the recorded head', async () => {
    const store = memoryStore()
    const events = await store.audit.append(Array.from({ length: 5 }, (_, i) => input(i)))
    const truncated = {
      audit: {
        range: async (after: number, limit: number) => events.slice(after, Math.min(after + limit, 3)),
        head: () => store.audit.head(),
      },
    }
    expect(await verifyStore(truncated)).toMatchObject({
      valid: false,
      seq: 4,
      count: 3,
      reason: 'the chain ends at seq 3 but its head records seq 5: events were deleted from the end',
    })
  })

  it('verifies up to the head it read first while events keep being appended', async () => {
    const store = memoryStore()
    await store.audit.append(Array.from({ length: 10 }, (_, i) => input(i)))
    let appended = 0
    const busy = {
      audit: {
        head: () => store.audit.head(),
        // Each page read races with a writer that commits more events.
        range: async (after: number, limit: number) => {
          const page = await store.audit.range(after, limit)
          await store.audit.append([input(100 + appended++)])
          return page
        },
      },
    }
    expect(await verifyStore(busy, { pageSize: 4 })).toEqual({ valid: true, count: 10 })
    expect(appended).toBeGreaterThan(0)
  })

  describe('over stored rows', () => {
    function stored(event: AuditEvent): StoredAuditRow {
      const { prev_hash, hash, ...body } = event
      return { seq: event.seq, prev_hash, hash, body: canonicalJson(body), forged: null }
    }

    // A store whose second page read fails, with its rows as given.
    function failingAfterOnePage(rows: StoredAuditRow[]) {
      let reads = 0
      return {
        audit: {
          range: async () => [],
          head: async () => ({ seq: rows.length, hash: rows.at(-1)!.hash }),
          storedRange: async (after: number, limit: number) => {
            if (++reads > 1) throw new Error('connection lost')
            return rows.slice(after, after + limit)
          },
        },
      }
    }

    it('reports a failed read of a page it goes on to check', async () => {
      const rows = (await chain(6)).map(stored)
      await expect(verifyStore(failingAfterOnePage(rows), { pageSize: 3 })).rejects.toThrow('connection lost')
    })

    it('stops at a broken row without failing on the page read ahead', async () => {
      const rows = (await chain(6)).map(stored)
      rows[1] = { ...rows[1]!, body: rows[1]!.body.replace('deploy', 'delete') }
      expect(await verifyStore(failingAfterOnePage(rows), { pageSize: 3 })).toMatchObject({
        valid: false,
        seq: 2,
        count: 1,
      })
    })
  })
})
