// needs-services: postgres
import { afterAll, describe, expect, it, vi } from 'vitest'
import { createShipper } from '../../src/shipping/shipper.js'
import { webhookSink } from '../../src/shipping/webhook-sink.js'
import { memoryStore } from '../../src/store/memory/index.js'
import type { Store } from '../../src/store/store.js'
import { startFakeAuditWebhook } from '../helpers/fake-audit-webhook.js'
import { sampleEvent } from '../store/conformance.js'
import { shippingBackends } from './backends.js'
import { dedupeBySeq, upTo } from './shipped-lines.js'

const { backends, cleanup } = shippingBackends('webhook')
afterAll(cleanup)
const SECRET = 'shh-audit'
const fast = { poll_interval_ms: 20, backoff: { initial_ms: 20, max_ms: 100 } }
const quick = { allow_private: true, max_attempts: 2, base_delay_ms: 10, timeout_ms: 2_000 }

async function appendEvents(store: Store, n: number) {
  for (let i = 0; i < n; i++) await store.audit.append([sampleEvent()])
}

describe('webhook sink', () => {
  it('posts batches signed with the shared secret; the receiver checks the HMAC', async () => {
    const receiver = await startFakeAuditWebhook(SECRET)
    const store = memoryStore()
    await appendEvents(store, 12)
    const sink = webhookSink({ url: receiver.url, secret: SECRET, ...quick })
    const shipper = createShipper({ name: 'soc', store, sink, batch_size: 5 })
    expect(await shipper.pass()).toBe(12)
    expect(receiver.payloads.map((p) => p.events.length)).toEqual([5, 5, 2])
    expect(receiver.payloads[0]).toMatchObject({ type: 'audit.events', shipper: 'soc', checkpoint: null })
    expect(receiver.seqs).toEqual(upTo(12))
    expect(receiver.badSignatures).toBe(0)
    await receiver.close()
  })

  it('does not count a batch the receiver refused as delivered (wrong secret)', async () => {
    const receiver = await startFakeAuditWebhook(SECRET)
    const store = memoryStore()
    await appendEvents(store, 3)
    const sink = webhookSink({ url: receiver.url, secret: 'not-the-secret', ...quick })
    const shipper = createShipper({ name: 'soc', store, sink })
    await expect(shipper.pass()).rejects.toThrow('HTTP 401')
    expect(receiver.badSignatures).toBe(1)
    expect(shipper.status()).toMatchObject({ cursor: 0, lag: 3, failures: 1 })
    await receiver.close()
  })

  it('refuses a loopback destination unless allow_private is set (the channels SSRF guard)', async () => {
    const receiver = await startFakeAuditWebhook(SECRET)
    const store = memoryStore()
    await appendEvents(store, 1)
    const shipper = createShipper({
      name: 'soc',
      store,
      sink: webhookSink({ url: receiver.url, secret: SECRET }),
    })
    await expect(shipper.pass()).rejects.toThrow(/refused: 127\.0\.0\.1 is a private, loopback/)
    expect(receiver.seqs).toEqual([])
    await receiver.close()
  })

  it('never holds up appends to the chain while the receiver hangs', async () => {
    const receiver = await startFakeAuditWebhook(SECRET)
    receiver.hang = true
    const store = memoryStore()
    await appendEvents(store, 2)
    const shipper = createShipper({
      name: 'soc',
      store,
      sink: webhookSink({ url: receiver.url, secret: SECRET, ...quick }),
    })
    const stuck = shipper.pass()
    // Appends and reads complete while the delivery is still outstanding.
    await appendEvents(store, 20)
    expect((await store.audit.head())?.seq).toBe(22)
    receiver.hang = false
    await receiver.down()
    await expect(stuck).rejects.toThrow()
    await receiver.up()
    await shipper.pass()
    expect(receiver.seqs).toEqual(upTo(22))
    await receiver.close()
  })
})

describe.each(backends)('webhook shipping on $name', (backend) => {
  it('loses nothing while the receiver is down, then delivers in order without duplicates, across a restart', async () => {
    const receiver = await startFakeAuditWebhook(SECRET)
    const { store, reopen } = backend.fresh()
    await store.migrate()
    const sink = () => webhookSink({ url: receiver.url, secret: SECRET, ...quick })
    const shipper = createShipper({ name: 'soc', store, sink: sink(), batch_size: 4, ...fast })
    shipper.start()
    await appendEvents(store, 6)
    await vi.waitFor(() => expect(receiver.seqs).toEqual(upTo(6)), { timeout: 10_000 })

    await receiver.down()
    await appendEvents(store, 9)
    // The lag shows the shipper falling behind.
    await vi.waitFor(() => expect(shipper.lag()).toBe(9), { timeout: 10_000 })
    expect(shipper.status().failures).toBeGreaterThan(0)
    await shipper.stop()
    if (backend.name !== 'memory') await store.close()

    // Restart: a new process over the same database, and the receiver comes back.
    const again = reopen()
    await again.migrate()
    await receiver.up()
    const resumed = createShipper({ name: 'soc', store: again, sink: sink(), batch_size: 4, ...fast })
    resumed.start()
    await appendEvents(again, 3)
    await vi.waitFor(() => expect(receiver.seqs).toEqual(upTo(18)), { timeout: 10_000 })
    await vi.waitFor(() => expect(resumed.lag()).toBe(0), { timeout: 10_000 })
    await resumed.stop()
    if (backend.name !== 'memory') await again.close()
    await receiver.close()
  })

  it('two replicas running the same shipper deliver every event between them, in order', async () => {
    const receiver = await startFakeAuditWebhook(SECRET)
    const { store, reopen } = backend.fresh()
    await store.migrate()
    const other = backend.name === 'memory' ? store : reopen()
    const replicas = [store, other].map((s) =>
      createShipper({
        name: 'soc',
        store: s,
        sink: webhookSink({ url: receiver.url, secret: SECRET, ...quick }),
        batch_size: 3,
        ...fast,
      }),
    )
    for (const r of replicas) r.start()
    await appendEvents(store, 10)
    await appendEvents(other, 10)
    await vi.waitFor(() => expect(dedupeBySeq(receiver.seqs)).toEqual(upTo(20)), { timeout: 10_000 })
    for (const r of replicas) await r.stop()
    // Each batch the receiver got was consecutive; a repeat is only ever a whole re-sent batch.
    for (const p of receiver.payloads) {
      const seqs = p.events.map((e) => e.seq)
      expect(seqs).toEqual(seqs.map((_, i) => seqs[0]! + i))
    }
    // PostgreSQL replicas take turns under an advisory lock: nothing is sent twice.
    if (backend.name === 'postgres') expect(receiver.seqs).toEqual(upTo(20))
    if (backend.name !== 'memory') {
      await store.close()
      await other.close()
    }
    await receiver.close()
  })
})
