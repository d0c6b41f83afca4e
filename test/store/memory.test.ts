import { describe, expect, it } from 'vitest'
import { sequentialBatch } from '../../src/store/internal/write-ops.js'
import { memoryStore } from '../../src/store/memory/index.js'
import type { AuditStore } from '../../src/store/store.js'
import { describeBatchConformance } from './batch-conformance.js'
import { at, describeStoreConformance, sampleEvent } from './conformance.js'

describeStoreConformance('memory', async () => memoryStore())
describeBatchConformance('memory', async () => memoryStore())

describe('a store batching through sequentialBatch', () => {
  it('releases the claims whose events could not be appended, and fails the batch as not retryable', async () => {
    const inner = memoryStore()
    // A custom store whose audit refuses some events after its checks.
    const audit: AuditStore = {
      ...inner.audit,
      append: async (events) => {
        if (events.some((e) => e.reason === 'unwritable')) throw new Error('disk full')
        return inner.audit.append(events)
      },
    }
    const scope = { tenant_id: 'acme', action: 'deploy', key: 'k-1' }
    const request = { ...scope, fingerprint: 'fp', owner: 'own-a', lease_until: at(30), now: at(0) }
    const error = await sequentialBatch({ idempotency: inner.idempotency, audit }, [
      { kind: 'append', event: sampleEvent({ reason: 'plain' }) },
      { kind: 'claim', request, event: sampleEvent({ reason: 'unwritable' }) },
    ]).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'STORE_UNAVAILABLE', message: expect.stringMatching(/released/) })
    // No run can follow the claim: the key is free again.
    expect(await inner.idempotency.get(scope)).toBeNull()
    expect((await inner.audit.range(0, 10)).map((e) => e.reason)).toEqual(['plain'])
  })
})
