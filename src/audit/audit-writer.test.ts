import { describe, expect, it } from 'vitest'
import { memoryStore } from '../store/memory/index.js'
import type { AuditStore } from '../store/store.js'
import type { AuditEventInput } from './audit-event.js'
import { AuditWriter } from './audit-writer.js'
import { verifyStore } from './verify-chain.js'

let n = 0
function input(overrides: Partial<AuditEventInput> = {}): AuditEventInput {
  n++
  return {
    id: `evt-${String(n).padStart(24, '0')}`,
    ts: '2030-01-01T00:00:00.000Z',
    tenant_id: 'acme',
    request_id: `req-${n}`,
    status: 'allowed',
    action: 'deploy',
    actor: 'alice',
    target: null,
    decision: 'allow',
    reason: null,
    rule: null,
    risk_class: null,
    effective_risk: null,
    inputs: null,
    result: null,
    error: null,
    approval_id: null,
    approver: null,
    idempotency_key: null,
    ticket_id: null,
    context: null,
    ...overrides,
  }
}

/** Wraps an audit store to record the size of every append. */
function counting(audit: AuditStore): { audit: AuditStore; batches: number[] } {
  const batches: number[] = []
  return {
    batches,
    audit: {
      ...audit,
      append: (events) => {
        batches.push(events.length)
        return audit.append(events)
      },
    },
  }
}

describe('AuditWriter', () => {
  it('writes a lone event at once', async () => {
    const store = memoryStore()
    const writer = new AuditWriter(store.audit)
    const stored = await writer.write(input())
    expect(stored.seq).toBe(1)
    expect(await store.audit.head()).toEqual({ seq: 1, hash: stored.hash })
  })

  it('groups concurrent writes into few appends, never larger than maxBatch', async () => {
    const store = memoryStore()
    const { audit, batches } = counting(store.audit)
    const writer = new AuditWriter(audit, { maxBatch: 100 })
    const stored = await Promise.all(Array.from({ length: 1000 }, () => writer.write(input())))
    expect(stored.map((e) => e.seq)).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1))
    expect(batches).toEqual(Array.from({ length: 10 }, () => 100))
    expect(Math.max(...batches)).toBeLessThanOrEqual(100)
    expect(await verifyStore(store)).toEqual({ valid: true, count: 1000 })
  })

  it('rejects only the event that cannot be stored and keeps the rest', async () => {
    const store = memoryStore()
    const writer = new AuditWriter(store.audit)
    const first = input()
    await writer.write(first)
    const results = await Promise.allSettled([
      writer.write(input({ reason: 'a' })),
      writer.write(input({ reason: 'b' })),
      writer.write(first),
      writer.write(input({ reason: 'c' })),
    ])
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled'])
    expect(await verifyStore(store)).toEqual({ valid: true, count: 4 })
  })

  it('rejects every waiting caller when the store fails', async () => {
    const failing: AuditStore = {
      ...memoryStore().audit,
      append: async () => {
        throw new Error('disk full')
      },
    }
    const writer = new AuditWriter(failing)
    const results = await Promise.allSettled([
      writer.write(input()),
      writer.write(input()),
      writer.write(input()),
    ])
    expect(results.every((r) => r.status === 'rejected' && (r.reason as Error).message === 'disk full')).toBe(
      true,
    )
  })

  it('waits for queued events on close and refuses writes afterwards', async () => {
    const store = memoryStore()
    const writer = new AuditWriter(store.audit)
    const pending = Array.from({ length: 10 }, () => writer.write(input()))
    await writer.close()
    expect(await store.audit.head()).toMatchObject({ seq: 10 })
    await Promise.all(pending)
    await expect(writer.write(input())).rejects.toThrow(/closed/)
  })
})
