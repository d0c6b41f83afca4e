// needs-services: postgres
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import fc from 'fast-check'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { openCheckpoint } from '../../src/evidence/checkpoint.js'
import {
  contentLeafHash,
  eventLeafHash,
  integrateBatch,
  integrateCommitted,
} from '../../src/evidence/integrate-committed.js'
import { MemoryTree } from '../../src/evidence/memory-tree.js'
import { generateSigner, parseVerifierKey, verifierKey } from '../../src/evidence/note-keys.js'
import { storeNodeReader, storeTree } from '../../src/evidence/store-tree.js'
import { createTransparencyLog, THREAD_RUN } from '../../src/evidence/transparency-log.js'
import { TreeGrowerThread } from '../../src/evidence/tree-grower-thread.js'
import { storedGrowth } from '../../src/evidence/tree-growth.js'
import { verifyConsistency, verifyInclusion } from '../../src/evidence/verify-proofs.js'
import { memoryStore } from '../../src/store/memory/index.js'
import { postgresStore } from '../../src/store/postgres/index.js'
import { sqliteStore } from '../../src/store/sqlite/index.js'
import type { MerkleStore, Store } from '../../src/store/store.js'
import { sampleEvent } from '../store/conformance.js'

const dir = mkdtempSync(join(tmpdir(), 'airlock-merkle-'))
const url = process.env.AIRLOCK_TEST_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/test'
const prefix = `airlock_m_${randomBytes(4).toString('hex')}`
const pool = new pg.Pool({ connectionString: url, max: 10 })
let n = 0

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true })
  const { rows } = await pool.query<{ nspname: string }>(
    'SELECT nspname FROM pg_namespace WHERE nspname LIKE $1',
    [`${prefix}%`],
  )
  for (const { nspname } of rows) await pool.query(`DROP SCHEMA "${nspname}" CASCADE`)
  await pool.end()
})

const backends: [string, () => Store][] = [
  ['memory', () => memoryStore()],
  ['sqlite', () => sqliteStore({ path: join(dir, `s-${n++}.db`) })],
  ['postgres', () => postgresStore({ pool, schema: `${prefix}_${n++}` })],
]

const ORIGIN = 'airlock.test/log'

describe.each(backends)('transparency log on %s', (_name, make) => {
  async function open() {
    const store = make()
    await store.migrate()
    const { signer } = generateSigner(ORIGIN)
    return {
      store,
      merkle: store.merkle as MerkleStore,
      signer,
      verifier: parseVerifierKey(verifierKey(signer)),
    }
  }

  it('integrates committed events incrementally, and proves each one into a signed checkpoint', async () => {
    const { store, merkle, signer, verifier } = await open()
    const log = createTransparencyLog({ store, signer, checkpoint_every: 5 })
    const events = []
    for (let i = 0; i < 4; i++)
      events.push(...(await store.audit.append([sampleEvent(), sampleEvent(), sampleEvent()])))
    // Small batches exercise every frontier shape.
    while ((await integrateBatch({ merkle }, 5)) < 12) {}
    const first = await log.checkpoint()
    expect(first.size).toBe(12)
    events.push(...(await store.audit.append([sampleEvent(), sampleEvent()])))
    await log.tick()
    const second = (await merkle.latestCheckpoint(ORIGIN))!
    expect(second.size).toBe(12) // 2 new events: not due yet (every 5)
    await log.stop()
    const last = openCheckpoint((await merkle.latestCheckpoint())!.note, verifier, ORIGIN)
    expect(last.size).toBe(14)
    const tree = storeTree(merkle)
    for (const e of events) {
      expect(await merkle.eventSeq(e.id)).toBe(e.seq)
      const proof = await tree.inclusion(e.seq - 1, 14)
      expect(verifyInclusion(e.seq - 1, 14, eventLeafHash(e), proof, last.root)).toBe(true)
    }
    expect(
      verifyConsistency(12, 14, Buffer.from(first.root, 'hex'), last.root, await tree.consistency(12, 14)),
    ).toBe(true)
    expect((await merkle.checkpoints(10)).map((c) => c.size)).toEqual([14, 12])
    expect((await merkle.checkpointAt(12))?.note).toBe(first.note)
    await store.close()
  })

  it('checkpoints a few events once checkpoint_interval has passed since the last checkpoint', async () => {
    const { store, merkle, signer } = await open()
    let clock = Date.parse('2026-01-01T00:00:00Z')
    const log = createTransparencyLog({
      store,
      signer,
      checkpoint_every: 1000,
      checkpoint_interval_ms: 10_000,
      now: () => new Date(clock),
    })
    await store.audit.append([sampleEvent(), sampleEvent()])
    await log.tick()
    expect((await merkle.latestCheckpoint(ORIGIN))?.size).toBe(2) // the first is always due
    await store.audit.append([sampleEvent()])
    clock += 9_999
    await log.tick()
    expect((await merkle.latestCheckpoint(ORIGIN))?.size).toBe(2) // 1 event, interval not reached
    clock += 1
    await log.tick()
    const due = (await merkle.latestCheckpoint(ORIGIN))!
    expect(due.size).toBe(3)
    expect(due.created_at).toBe(new Date(clock).toISOString())
    clock += 60_000
    await log.tick()
    expect((await merkle.checkpoints(10)).map((c) => c.size)).toEqual([3, 2]) // nothing new, nothing signed
    await store.close()
  })

  it('keeps only the upper levels and rebuilds the rest from the chain, with the same roots and proofs', async () => {
    const { store, merkle } = await open()
    const events = await store.audit.append(Array.from({ length: 700 }, () => sampleEvent()))
    // Batches that straddle the 256-event blocks the low levels are rebuilt from.
    await integrateCommitted({ merkle }, 97)
    const reference = new MemoryTree()
    reference.append(events.map(eventLeafHash))
    expect(
      await merkle.nodes([
        { level: 0, index: 5 },
        { level: 7, index: 0 },
      ]),
    ).toEqual([])
    expect((await merkle.nodes([{ level: 8, index: 1 }])).length).toBe(1)
    const tree = storeTree(merkle)
    for (const size of [1, 255, 256, 257, 511, 512, 513, 700]) {
      const root = await tree.root(size)
      expect(Buffer.from(root).toString('hex')).toBe(Buffer.from(await reference.root(size)).toString('hex'))
      for (const index of [0, size >> 1, size - 1]) {
        const proof = await tree.inclusion(index, size)
        expect(verifyInclusion(index, size, eventLeafHash(events[index]!), proof, root)).toBe(true)
      }
      const from = Math.max(1, size - 300)
      const proof = await tree.consistency(from, size)
      expect(verifyConsistency(from, size, await reference.root(from), root, proof)).toBe(true)
    }
    await store.close()
  })

  it('is idempotent: concurrent integrators and repeated passes add each event once', async () => {
    const { store, merkle, signer } = await open()
    await store.audit.append(Array.from({ length: 30 }, () => sampleEvent()))
    const s = { audit: store.audit, merkle }
    await Promise.all([integrateCommitted(s, 7), integrateCommitted(s, 4), integrateCommitted(s, 11)])
    expect((await merkle.head()).size).toBe(30)
    const log = createTransparencyLog({ store, signer })
    const a = await log.checkpoint()
    const b = await log.checkpoint()
    expect(b.note).toBe(a.note)
    expect(await merkle.addCheckpoint({ ...a, note: `${a.note}x` })).toBe('conflict')
    await store.close()
  })
})

describe('growing the tree on a worker thread', () => {
  it('stores the same nodes and signs the same roots as hashing on the main thread', async () => {
    const store = memoryStore()
    await store.migrate()
    const merkle = store.merkle as MerkleStore
    const events = await store.audit.append(Array.from({ length: 3 * THREAD_RUN + 5 }, () => sampleEvent()))
    const reference = new MemoryTree()
    reference.append(events.map(eventLeafHash))

    const thread = new TreeGrowerThread()
    const request = { size: 0, frontier: [], hashes: events.map((e) => e.hash) }
    expect(await thread.grow(request)).toEqual(storedGrowth(request))
    await thread.close()

    const log = createTransparencyLog({ store, signer: generateSigner(ORIGIN).signer })
    await log.stop()
    const last = (await merkle.latestCheckpoint(ORIGIN))!
    expect(last.size).toBe(events.length)
    expect(last.root).toBe(Buffer.from(await reference.root(events.length)).toString('hex'))
    const more = await store.audit.append(Array.from({ length: 2 * THREAD_RUN }, () => sampleEvent()))
    reference.append(more.map(eventLeafHash))
    // A stopped log's grower starts again for the next run.
    const next = await log.checkpoint()
    expect(next.root).toBe(Buffer.from(await reference.root(next.size)).toString('hex'))
    await log.stop()
    await store.close()
  })

  it('fails a run in flight when the grower is stopped, and grows the next run on a fresh thread', async () => {
    const thread = new TreeGrowerThread()
    const hashes = Array.from({ length: 20_000 }, (_, i) => (i % 16).toString(16).repeat(64))
    const request = { size: 0, frontier: [], hashes }
    const inFlight = thread.grow(request)
    await thread.close()
    await expect(inFlight).rejects.toMatchObject({ code: 'INTERNAL', message: /grower thread stopped/ })
    const small = { size: 0, frontier: [], hashes: hashes.slice(0, 300) }
    expect(await thread.grow(small)).toEqual(storedGrowth(small))
    await thread.close()
  })
})

describe('tamper evidence (sqlite)', () => {
  async function signedStore(count: number) {
    const path = join(dir, `t-${n++}.db`)
    const store = sqliteStore({ path })
    await store.migrate()
    const { signer } = generateSigner(ORIGIN)
    const verifier = parseVerifierKey(verifierKey(signer))
    const events = await store.audit.append(
      Array.from({ length: count }, (_, i) => sampleEvent({ reason: `r${i}` })),
    )
    const log = createTransparencyLog({ store, signer })
    await log.start()
    await log.stop()
    const cp = openCheckpoint((await store.merkle!.latestCheckpoint())!.note, verifier)
    return { path, store, events, cp, log, signer }
  }

  it('an earlier checkpoint holder detects any edited event, truncated tail or rewritten history', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 2, max: 12 }),
        fc.nat(),
        fc.constantFrom('body', 'truncate', 'rewrite'),
        async (count, pick, how) => {
          const { path, store, events, cp } = await signedStore(count)
          const target = events[pick % count]!
          const db = new Database(path)
          if (how === 'body') {
            db.prepare(
              `UPDATE airlock_audit_events SET body = replace(body, '"reason":"r', '"reason":"X') WHERE seq = ?`,
            ).run(target.seq)
          } else {
            // Drop the tail from the target on (and, for a rewrite, the tree too, as an owner would).
            db.prepare('DELETE FROM airlock_audit_events WHERE seq >= ?').run(target.seq)
            db.prepare('UPDATE airlock_audit_head SET seq = ?, hash = ? WHERE id = 1').run(
              target.seq - 1,
              target.prev_hash,
            )
            db.prepare('DELETE FROM airlock_merkle_nodes').run()
            db.prepare(
              "UPDATE airlock_merkle_head SET size = 0, last_hash = '0000000000000000000000000000000000000000000000000000000000000000'",
            ).run()
            db.prepare('DELETE FROM airlock_checkpoints').run()
          }
          db.close()
          const merkle = store.merkle!
          const s = { audit: store.audit, merkle }
          if (how === 'body') {
            // The event as now stored no longer proves into the checkpoint.
            const [stored] = await store.audit.range(target.seq - 1, 1)
            const proof = await storeTree(merkle).inclusion(target.seq - 1, cp.size)
            expect(verifyInclusion(target.seq - 1, cp.size, contentLeafHash(stored!), proof, cp.root)).toBe(
              false,
            )
            await store.close()
            return
          }
          if (how === 'rewrite')
            await store.audit.append([
              sampleEvent({ reason: 'forged' }),
              ...Array.from({ length: count }, () => sampleEvent()),
            ])
          await integrateCommitted(s)
          const size = (await merkle.head()).size
          const tree = storeTree(merkle)
          const root = await tree.root(size)
          const consistent =
            size >= cp.size &&
            verifyConsistency(cp.size, size, cp.root, root, await tree.consistency(cp.size, size))
          expect(consistent).toBe(false)
          await store.close()
        },
      ),
      { numRuns: 15 },
    )
  })

  it('integrates a body edited after its commit under its original hash, which then fails verification', async () => {
    const path = join(dir, `b-${n++}.db`)
    const store = sqliteStore({ path })
    await store.migrate()
    await store.audit.append([sampleEvent(), sampleEvent({ reason: 'original' })])
    const db = new Database(path)
    db.prepare(
      `UPDATE airlock_audit_events SET body = replace(body, 'original', 'forged') WHERE seq = 2`,
    ).run()
    db.close()
    const { signer } = generateSigner(ORIGIN)
    const log = createTransparencyLog({ store, signer })
    await log.tick()
    const merkle = store.merkle!
    expect((await merkle.head()).size).toBe(2)
    const [forged] = await store.audit.range(1, 1)
    const leaf = (await storeNodeReader(merkle)([{ level: 0, index: 1 }])).get('0/1')
    const hex = (b?: Uint8Array) => Buffer.from(b!).toString('hex')
    expect(hex(leaf)).toBe(hex(eventLeafHash(forged!)))
    expect(hex(contentLeafHash(forged!))).not.toBe(hex(leaf))
    const { verifyStore } = await import('../../src/audit/verify-chain.js')
    expect(await verifyStore(store)).toMatchObject({ valid: false })
    await store.close()
  })

  it('stops integrating and signing where an event no longer links to the one before it', async () => {
    const path = join(dir, `b-${n++}.db`)
    const store = sqliteStore({ path })
    await store.migrate()
    await store.audit.append([sampleEvent(), sampleEvent(), sampleEvent()])
    const db = new Database(path)
    db.prepare(`UPDATE airlock_audit_events SET hash = '${'0'.repeat(64)}' WHERE seq = 2`).run()
    db.close()
    const { signer } = generateSigner(ORIGIN)
    const log = createTransparencyLog({ store, signer })
    await expect(log.tick()).rejects.toThrow(/seq 3 does not link to the event before it/)
    expect((await store.merkle!.head()).size).toBe(2)
    await store.close()
  })
})

describe('audit verify and the indexed columns', () => {
  it('reports a forged actor column like a forged body', async () => {
    const { verifyStore } = await import('../../src/audit/verify-chain.js')
    const path = join(dir, `c-${n++}.db`)
    const store = sqliteStore({ path })
    await store.migrate()
    await store.audit.append([sampleEvent(), sampleEvent(), sampleEvent()])
    expect(await verifyStore(store)).toMatchObject({ valid: true, count: 3 })
    const db = new Database(path)
    db.prepare("UPDATE airlock_audit_events SET actor = 'someone-else' WHERE seq = 2").run()
    db.close()
    expect(await verifyStore(store)).toMatchObject({
      valid: false,
      seq: 2,
      reason: expect.stringMatching(/actor column/),
    })
    await store.close()
  })
})
