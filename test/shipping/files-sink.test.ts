// needs-services: postgres
import { appendFileSync, mkdirSync, mkdtempSync, readdirSync, rmdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { canonicalJson } from '../../src/audit/canonical-json.js'
import { verifyJsonlFile } from '../../src/audit/jsonl.js'
import { openCheckpoint } from '../../src/evidence/checkpoint.js'
import { generateSigner, parseVerifierKey, verifierKey } from '../../src/evidence/note-keys.js'
import { createTransparencyLog } from '../../src/evidence/transparency-log.js'
import { checkpointLine } from '../../src/shipping/batch-lines.js'
import { filesSink } from '../../src/shipping/files-sink.js'
import { createShipper } from '../../src/shipping/shipper.js'
import { memoryStore } from '../../src/store/memory/index.js'
import type { Store } from '../../src/store/store.js'
import { sampleEvent } from '../store/conformance.js'
import { shippingBackends } from './backends.js'
import { readShippedDir, upTo } from './shipped-lines.js'

const { backends, cleanup } = shippingBackends('files')
afterAll(cleanup)
const tempDir = () => mkdtempSync(join(tmpdir(), 'airlock-ship-files-'))

async function appendEvents(store: Store, n: number) {
  for (let i = 0; i < n; i++) await store.audit.append([sampleEvent()])
}

describe('files sink', () => {
  it('writes every committed event in chain order, each line exactly as audit export writes it', async () => {
    const store = memoryStore()
    await appendEvents(store, 25)
    const dir = tempDir()
    const shipper = createShipper({ name: 'archive', store, sink: filesSink({ dir }), batch_size: 7 })
    expect(await shipper.pass()).toBe(25)
    expect(shipper.lag()).toBe(0)
    const [file] = readdirSync(dir)
    expect(file).toBe('audit-000000000001.jsonl.part')
    const events = await store.audit.range(0, 100)
    expect(readShippedDir(dir)[0]!.shipped.events.map((e) => canonicalJson(e))).toEqual(
      events.map((e) => canonicalJson(e)),
    )
    expect(await verifyJsonlFile(join(dir, file!))).toMatchObject({ valid: true, count: 25 })
    await shipper.stop()
  })

  it('rotates by size and ends each closed file with the signed checkpoint whose last leaf is its last event', async () => {
    const store = memoryStore()
    const { signer } = generateSigner('airlock.test/ship')
    const verifier = parseVerifierKey(verifierKey(signer))
    const log = createTransparencyLog({ store, signer })
    const dir = tempDir()
    const sink = filesSink({ dir, max_bytes: 2_000 })
    const shipper = createShipper({ name: 'archive', store, sink, batch_size: 5 })
    for (let round = 0; round < 6; round++) {
      await appendEvents(store, 5)
      await log.checkpoint()
      await shipper.pass()
    }
    const files = readShippedDir(dir)
    const closed = files.filter((f) => f.name.endsWith('.jsonl'))
    expect(closed.length).toBeGreaterThan(1)
    for (const { name, shipped } of closed) {
      const last = shipped.events.at(-1)!.seq
      expect(name).toBe(
        `audit-${String(shipped.events[0]!.seq).padStart(12, '0')}-${String(last).padStart(12, '0')}.jsonl`,
      )
      const cp = openCheckpoint(shipped.checkpoint!.note, verifier, 'airlock.test/ship')
      expect(cp.size).toBe(last)
    }
    expect(files.flatMap((f) => f.shipped.events.map((e) => e.seq))).toEqual(upTo(30))
    await shipper.stop()
  })

  it('closes a file on time when idle, and at once when the log issues no checkpoints', async () => {
    const store = memoryStore()
    let clock = 0
    const dir = tempDir()
    const sink = filesSink({ dir, max_age_ms: 60_000, now: () => clock })
    const shipper = createShipper({ name: 'archive', store, sink })
    await appendEvents(store, 3)
    await shipper.pass()
    await shipper.pass()
    expect(readdirSync(dir)).toEqual(['audit-000000000001.jsonl.part'])
    clock = 60_000
    await shipper.pass()
    expect(readdirSync(dir)).toEqual(['audit-000000000001-000000000003.jsonl'])
    expect(readShippedDir(dir)[0]!.shipped.checkpoint).toBeNull()
    await shipper.stop()
  })

  it('with await_checkpoint, keeps a due file open until the log’s first checkpoint, then ends it with that checkpoint', async () => {
    const store = memoryStore()
    const { signer } = generateSigner('airlock.test/ship')
    const verifier = parseVerifierKey(verifierKey(signer))
    const log = createTransparencyLog({ store, signer })
    let clock = 0
    const dir = tempDir()
    const sink = filesSink({ dir, max_age_ms: 60_000, await_checkpoint: true, now: () => clock })
    const shipper = createShipper({ name: 'archive', store, sink })
    await appendEvents(store, 3)
    await shipper.pass()
    clock = 60_000
    await shipper.pass()
    expect(readdirSync(dir)).toEqual(['audit-000000000001.jsonl.part']) // due, but no checkpoint yet
    await log.checkpoint()
    await shipper.pass()
    expect(readdirSync(dir)).toEqual(['audit-000000000001-000000000003.jsonl'])
    const [file] = readShippedDir(dir)
    expect(openCheckpoint(file!.shipped.checkpoint!.note, verifier, 'airlock.test/ship').size).toBe(3)
    await shipper.stop()
  })
})

describe('files sink after a failure', () => {
  async function shippedFive(max_bytes: number, batch_size = 5) {
    const store = memoryStore()
    const { signer } = generateSigner('airlock.test/ship')
    const log = createTransparencyLog({ store, signer })
    await appendEvents(store, 5)
    const checkpoint = await log.checkpoint()
    const dir = tempDir()
    const ship = () =>
      createShipper({ name: 'archive', store, sink: filesSink({ dir, max_bytes }), batch_size })
    return { store, dir, checkpoint, ship }
  }

  /** Something in the way of the first file's closed name, so its rename fails after the checkpoint line was written; removes it. */
  function blockClosedName(dir: string): () => void {
    const blocker = join(dir, 'audit-000000000001-000000000005.jsonl')
    mkdirSync(blocker, { recursive: true })
    return () => rmdirSync(blocker)
  }

  it('renames a file that a crash left ending in its checkpoint, and goes on in a new file', async () => {
    // Not yet due: the first run leaves the file open.
    const { store, dir, checkpoint, ship } = await shippedFive(1 << 20)
    const first = ship()
    expect(await first.pass()).toBe(5)
    await first.stop()
    // What closing the file writes before its rename: the crash comes in between.
    appendFileSync(join(dir, 'audit-000000000001.jsonl.part'), checkpointLine(checkpoint))
    await appendEvents(store, 3)
    const second = ship()
    expect(await second.pass()).toBe(3)
    await second.stop()
    const files = readShippedDir(dir)
    expect(files.map((f) => f.name)).toEqual([
      'audit-000000000001-000000000005.jsonl',
      'audit-000000000006.jsonl.part',
    ])
    expect(files[0]!.shipped.events.map((e) => e.seq)).toEqual(upTo(5))
    expect(files[1]!.shipped.events.map((e) => e.seq)).toEqual([6, 7, 8])
  })

  it('starts over from the file on disk after a close that failed, and closes it on the next delivery', async () => {
    // Due at once: the first pass closes the file on the checkpoint.
    const { store, dir, ship } = await shippedFive(1)
    const shipper = ship()
    const unblock = blockClosedName(dir)
    await expect(shipper.pass()).rejects.toThrow()
    unblock()
    await appendEvents(store, 2)
    expect(await shipper.pass()).toBeGreaterThan(0)
    await shipper.stop()
    const files = readShippedDir(dir)
    expect(files.map((f) => f.name)).toEqual([
      'audit-000000000001-000000000005.jsonl',
      'audit-000000000006.jsonl.part',
    ])
    expect(files[1]!.shipped.events.map((e) => e.seq)).toEqual([6, 7])
  })

  it('refuses to continue a .part file whose last line is not an audit event, naming the file', async () => {
    const { dir, ship } = await shippedFive(1 << 20)
    writeFileSync(join(dir, 'audit-000000000001.jsonl.part'), '{"note":"written by hand"}\n')
    const shipper = ship()
    await expect(shipper.pass()).rejects.toThrow(
      /audit-000000000001\.jsonl\.part: the last line is not an audit event/,
    )
    await shipper.stop()
  })

  it('does not write again the events of a closing delivery offered again after its close failed', async () => {
    const { store, dir, ship } = await shippedFive(1, 3)
    const shipper = ship()
    // The second batch (4, 5) closes the file; its rename fails, so the batch is not acknowledged.
    const unblock = blockClosedName(dir)
    await expect(shipper.pass()).rejects.toThrow()
    unblock()
    await appendEvents(store, 2)
    await shipper.pass()
    await shipper.stop()
    const files = readShippedDir(dir)
    expect(files.map((f) => f.name)).toEqual([
      'audit-000000000001-000000000005.jsonl',
      'audit-000000000006.jsonl.part',
    ])
    expect(files.flatMap((f) => f.shipped.events.map((e) => e.seq))).toEqual(upTo(7))
  })
})

describe.each(backends)('files shipping on $name', (backend) => {
  it('resumes after a crash from the stored cursor: a torn line is dropped and no event is written twice', async () => {
    const { store, reopen } = backend.fresh()
    await store.migrate()
    await appendEvents(store, 10)
    const dir = tempDir()
    // The first run writes the file but dies before its cursor moves past the last batch.
    let advances = 0
    const flaky: Store = {
      ...store,
      shipping: {
        ...store.shipping!,
        advance: async (...args) => {
          if (++advances > 1) throw new Error('killed')
          return store.shipping!.advance(...args)
        },
      },
    }
    const first = createShipper({ name: 'archive', store: flaky, sink: filesSink({ dir }), batch_size: 4 })
    await expect(first.pass()).rejects.toThrow('killed')
    await first.stop()
    appendFileSync(join(dir, 'audit-000000000001.jsonl.part'), '{"seq":9,"trunc')
    if (backend.name !== 'memory') await store.close()

    const again = reopen()
    await again.migrate()
    expect((await again.shipping!.get('archive')).seq).toBe(4)
    await appendEvents(again, 2)
    const second = createShipper({ name: 'archive', store: again, sink: filesSink({ dir }), batch_size: 4 })
    expect(await second.pass()).toBe(8)
    await second.stop()
    const [only] = readShippedDir(dir)
    expect(only!.shipped.events.map((e) => e.seq)).toEqual(upTo(12))
    expect(await verifyJsonlFile(join(dir, only!.name))).toMatchObject({ valid: true, count: 12 })
    if (backend.name !== 'memory') await again.close()
  })
})
