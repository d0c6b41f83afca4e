// needs-services: postgres
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { openCheckpoint } from '../../src/evidence/checkpoint.js'
import { generateSigner, parseVerifierKey, verifierKey } from '../../src/evidence/note-keys.js'
import { shippedPaths } from '../../src/evidence/shipped-paths.js'
import { createTransparencyLog } from '../../src/evidence/transparency-log.js'
import { verifyShippedFiles } from '../../src/evidence/verify-shipped.js'
import { s3Sink } from '../../src/shipping/s3-sink.js'
import { createShipper } from '../../src/shipping/shipper.js'
import { memoryStore } from '../../src/store/memory/index.js'
import type { Store } from '../../src/store/store.js'
import { LOCAL_S3_CREDENTIALS, startLocalS3 } from '../helpers/local-s3.js'
import { sampleEvent } from '../store/conformance.js'
import { shippingBackends } from './backends.js'
import { dedupeBySeq, parseShipped, upTo } from './shipped-lines.js'

const { backends, cleanup } = shippingBackends('s3')
const s3 = await startLocalS3(['audit'])
afterAll(async () => {
  await s3.close()
  await cleanup()
})
const fast = { poll_interval_ms: 20, backoff: { initial_ms: 20, max_ms: 100 } }
let prefixes = 0
const sinkConfig = () => ({
  bucket: 'audit',
  prefix: `run-${prefixes++}/`,
  endpoint: s3.endpoint,
  force_path_style: true,
  credentials: LOCAL_S3_CREDENTIALS,
})

async function appendEvents(store: Store, n: number) {
  for (let i = 0; i < n; i++) await store.audit.append([sampleEvent()])
}

describe('s3 sink', () => {
  it('gives up on an upload that takes longer than timeout_ms, so a silent endpoint cannot hold the shipper', async () => {
    // Accepts the connection, reads the request, never answers.
    const silent = createServer(() => undefined)
    await new Promise<void>((done) => silent.listen(0, '127.0.0.1', done))
    const endpoint = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`
    const sink = s3Sink({ ...sinkConfig(), endpoint, timeout_ms: 300 })
    const store = memoryStore()
    await appendEvents(store, 1)
    const events = await store.audit.range(0, 1)
    const started = Date.now()
    await expect(sink.deliver({ shipper: 'lake', events, checkpoint: null })).rejects.toThrow()
    expect(Date.now() - started).toBeLessThan(10_000)
    await sink.close?.()
    silent.closeAllConnections()
    await new Promise((done) => silent.close(done))
  })

  it('stores one object per batch, keyed by its seqs, ending with the signed checkpoint', async () => {
    const store = memoryStore()
    const { signer } = generateSigner('airlock.test/s3')
    const log = createTransparencyLog({ store, signer })
    await appendEvents(store, 7)
    await log.checkpoint()
    const config = sinkConfig()
    const shipper = createShipper({ name: 'lake', store, sink: s3Sink(config), batch_size: 4 })
    expect(await shipper.pass()).toBe(7)
    await shipper.stop()
    const objects = await s3.objects('audit', config.prefix)
    expect(objects.map((o) => o.key)).toEqual([
      `${config.prefix}000000000001-000000000004.jsonl`,
      `${config.prefix}000000000005-000000000007.jsonl`,
    ])
    expect(objects[1]!.metadata).toMatchObject({ 'first-seq': '5', 'last-seq': '7', 'checkpoint-size': '7' })
    const last = parseShipped(objects[1]!.body)
    expect(last.events.map((e) => e.seq)).toEqual([5, 6, 7])
    const cp = openCheckpoint(last.checkpoint!.note, parseVerifierKey(verifierKey(signer)), 'airlock.test/s3')
    expect(cp.size).toBe(7)
  })
})

describe.each(backends)('s3 shipping on $name', (backend) => {
  it('ships only checkpointed events, and the objects verify with the public key', async () => {
    const { store } = backend.fresh()
    await store.migrate()
    const { signer } = generateSigner('airlock.test/s3')
    const log = createTransparencyLog({ store, signer })
    const config = { ...sinkConfig(), await_checkpoint: true }
    const shipper = createShipper({ name: 'lake', store, sink: s3Sink(config), batch_size: 300 })
    // Past one stored tree level (256 leaves), so proofs read stored and rebuilt nodes.
    await store.audit.append(Array.from({ length: 700 }, () => sampleEvent()))
    expect(await shipper.pass()).toBe(0)
    await log.checkpoint()
    await appendEvents(store, 2)
    expect(await shipper.pass()).toBe(700)
    await shipper.stop()
    const dir = mkdtempSync(join(tmpdir(), 'airlock-s3-objects-'))
    const objects = await s3.objects('audit', config.prefix)
    for (const o of objects) writeFileSync(join(dir, basename(o.key)), o.body)
    expect(objects.map((o) => o.metadata['checkpoint-size'])).toEqual(['700', '700', '700'])
    const result = await verifyShippedFiles(await shippedPaths([dir]), parseVerifierKey(verifierKey(signer)))
    expect(result).toMatchObject({ valid: true, count: 700, files: 3, checkpoint: { size: 700 } })
    rmSync(dir, { recursive: true, force: true })
    if (backend.name !== 'memory') await store.close()
  })

  it('loses nothing while S3 is down, then delivers in order, across a restart', async () => {
    const { store, reopen } = backend.fresh()
    await store.migrate()
    const config = sinkConfig()
    const received = async () =>
      (await s3.objects('audit', config.prefix)).flatMap((o) => parseShipped(o.body).events.map((e) => e.seq))
    const shipper = createShipper({ name: 'lake', store, sink: s3Sink(config), batch_size: 4, ...fast })
    shipper.start()
    await appendEvents(store, 5)
    await vi.waitFor(async () => expect(await received()).toEqual(upTo(5)), { timeout: 10_000 })

    await s3.down()
    await appendEvents(store, 6)
    await vi.waitFor(() => expect(shipper.lag()).toBe(6), { timeout: 10_000 })
    await shipper.stop()
    if (backend.name !== 'memory') await store.close()

    const again = reopen()
    await again.migrate()
    await s3.up()
    const resumed = createShipper({
      name: 'lake',
      store: again,
      sink: s3Sink(config),
      batch_size: 4,
      ...fast,
    })
    resumed.start()
    await appendEvents(again, 2)
    await vi.waitFor(async () => expect(dedupeBySeq(await received())).toEqual(upTo(13)), { timeout: 10_000 })
    await resumed.stop()
    expect(resumed.lag()).toBe(0)
    const seqs = await received()
    expect(new Set(seqs).size).toBe(13)
    if (backend.name !== 'memory') await again.close()
  })
})
