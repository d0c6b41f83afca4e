import { mkdtempSync, readdirSync, readlinkSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { GENESIS_HASH, linkHash } from '../../src/audit/hash-chain.js'
import { verifyStore } from '../../src/audit/verify-chain.js'
import { sqliteStore } from '../../src/store/sqlite/index.js'
import { describeBatchConformance } from './batch-conformance.js'
import { describeStoreConformance, sampleEvent } from './conformance.js'

const dir = mkdtempSync(join(tmpdir(), 'airlock-sqlite-'))
let files = 0
const nextPath = () => join(dir, `store-${files++}.db`)

afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
})

describeStoreConformance('sqlite (file)', async () => sqliteStore({ path: nextPath() }))
describeBatchConformance('sqlite (file)', async () => sqliteStore({ path: nextPath() }))

describe('sqlite store', () => {
  it('runs durable: WAL journal and synchronous=FULL', async () => {
    const database = new Database(nextPath())
    const store = sqliteStore({ database })
    await store.migrate()
    expect(database.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(database.pragma('synchronous', { simple: true })).toBe(2)
    await store.close()
    // A connection the caller passed in stays open.
    expect(database.open).toBe(true)
    database.close()
  })

  it('sizes the page cache when asked, and says which value is wrong', async () => {
    const database = new Database(nextPath())
    const store = sqliteStore({ database, cacheKiB: 256 })
    expect(database.pragma('cache_size', { simple: true })).toBe(-256)
    await store.close()
    for (const cacheKiB of [0, 1.5, -1]) {
      expect(() => sqliteStore({ database, cacheKiB })).toThrow(
        /cacheKiB must be a whole number of KiB ≥ 1, got /,
      )
    }
    database.close()
  })

  it('closes the file it opened itself when an option is refused', () => {
    const path = nextPath()
    // The process's descriptors open on the file (Linux names each under /proc/self/fd).
    const handles = () =>
      readdirSync('/proc/self/fd').filter((fd) => {
        try {
          return readlinkSync(`/proc/self/fd/${fd}`) === path
        } catch {
          return false
        }
      }).length
    expect(() => sqliteStore({ path, cacheKiB: 0 })).toThrow(/cacheKiB must be a whole number/)
    expect(() => sqliteStore({ path, busyTimeoutMs: -5 })).toThrow(/busyTimeoutMs/)
    expect(handles()).toBe(0)
  })

  it('reports events beyond a head that was moved back or removed, which readers still list', async () => {
    const path = nextPath()
    const store = sqliteStore({ path })
    const events = await store.audit.append(
      Array.from({ length: 5 }, (_, i) => sampleEvent({ reason: `e${i}` })),
    )
    const raw = new Database(path)
    raw.prepare('UPDATE airlock_audit_head SET seq = 1, hash = ? WHERE id = 1').run(events[0]!.hash)
    expect(await verifyStore(store)).toMatchObject({
      valid: false,
      seq: 2,
      count: 1,
      reason: 'event 2 lies beyond the chain head (seq 1): the head was moved back or removed',
    })
    raw.prepare('DELETE FROM airlock_audit_head').run()
    expect(await verifyStore(store)).toMatchObject({ valid: false, seq: 1, count: 0 })
    raw.close()
    await store.close()
  })

  it('keeps the chain and every record across a reopen of the file', async () => {
    const path = nextPath()
    const first = sqliteStore({ path })
    await first.migrate()
    const stored = await first.audit.append([sampleEvent(), sampleEvent()])
    await first.nonces.consume('n', '2030-01-01T00:00:00.000Z')
    await first.close()
    const second = sqliteStore({ path })
    await second.migrate()
    expect(await second.audit.range(0, 10)).toEqual(stored)
    expect(await second.nonces.consume('n', '2030-01-01T00:00:00.000Z')).toBe(false)
    await second.close()
  })

  it('lets verify find an event edited in the file', async () => {
    const path = nextPath()
    const store = sqliteStore({ path })
    await store.migrate()
    await store.audit.append([sampleEvent(), sampleEvent({ reason: 'original' }), sampleEvent()])
    const raw = new Database(path)
    raw
      .prepare(`UPDATE airlock_audit_events SET body = replace(body, 'original', 'forged') WHERE seq = 2`)
      .run()
    raw.close()
    expect(await verifyStore(store)).toMatchObject({
      valid: false,
      seq: 2,
      count: 1,
      reason: expect.stringMatching(/modified/),
    })
    await store.close()
  })

  it('verifies a chain longer than one page, reading rows as stored', async () => {
    const store = sqliteStore({ path: nextPath() })
    await store.migrate()
    await store.audit.append(Array.from({ length: 25 }, () => sampleEvent()))
    expect(await verifyStore(store, { pageSize: 10 })).toEqual({ valid: true, count: 25 })
    await store.close()
  })

  it('reports a stored body that is not JSON even when its hash was recomputed to match', async () => {
    const path = nextPath()
    const store = sqliteStore({ path })
    await store.migrate()
    await store.audit.append([sampleEvent(), sampleEvent()])
    const raw = new Database(path)
    const [first] = raw.prepare('SELECT prev_hash FROM airlock_audit_events WHERE seq = 1').all() as {
      prev_hash: string
    }[]
    const forgedHash = linkHash(first!.prev_hash, 'not json')
    raw.prepare("UPDATE airlock_audit_events SET body = 'not json', hash = ? WHERE seq = 1").run(forgedHash)
    raw.prepare('UPDATE airlock_audit_events SET prev_hash = ? WHERE seq = 2').run(forgedHash)
    raw.close()
    expect(await verifyStore(store)).toMatchObject({
      valid: false,
      seq: 1,
      count: 0,
      reason: 'the stored body is not a JSON object: the event was modified',
    })
    await store.close()
  })

  // Rewrites the only event's body with a hash and head to match, as a forger with write access would.
  function rewriteOnlyBody(path: string, body: string): void {
    const raw = new Database(path)
    const hash = linkHash(GENESIS_HASH, body)
    raw.prepare('UPDATE airlock_audit_events SET body = ?, hash = ? WHERE seq = 1').run(body, hash)
    raw.prepare('UPDATE airlock_audit_head SET hash = ? WHERE id = 1').run(hash)
    raw.close()
  }

  it('reports a stored body that is JSON but not an object', async () => {
    const path = nextPath()
    const store = sqliteStore({ path })
    await store.audit.append([sampleEvent()])
    rewriteOnlyBody(path, '[1,2]')
    expect(await verifyStore(store)).toMatchObject({
      valid: false,
      seq: 1,
      reason: 'the stored body is not a JSON object: the event was modified',
    })
    await store.close()
  })

  it('accepts a body whose values equal the columns but are spelt differently, and names a forged column', async () => {
    const path = nextPath()
    const store = sqliteStore({ path })
    await store.audit.append([sampleEvent({ actor: 'alice' })])
    const raw = new Database(path)
    const { body } = raw.prepare('SELECT body FROM airlock_audit_events WHERE seq = 1').get() as {
      body: string
    }
    raw.close()
    // The same actor, written with an escape: a different text, the same value.
    rewriteOnlyBody(path, body.replace('"actor":"alice"', '"actor":"\\u0061lice"'))
    expect(await verifyStore(store)).toEqual({ valid: true, count: 1 })
    const forger = new Database(path)
    forger.prepare("UPDATE airlock_audit_events SET actor = 'mallory' WHERE seq = 1").run()
    forger.close()
    expect(await verifyStore(store)).toMatchObject({
      valid: false,
      seq: 1,
      reason: 'the stored actor column differs from the hashed event: the event was modified',
    })
    await store.close()
  })

  it('names a column forged as a blob, whether or not the blob encodes the same JSON', async () => {
    const path = nextPath()
    const store = sqliteStore({ path })
    await store.audit.append([sampleEvent({ actor: 'alice' })])
    const forged = {
      valid: false,
      seq: 1,
      reason: 'the stored actor column differs from the hashed event: the event was modified',
    }
    for (const blob of ['jsonb(\'"alice"\')', "X'00ff'"]) {
      const forger = new Database(path)
      // A JSONB blob reads as "alice" to JSON functions, yet no filter on actor = 'alice' finds the row.
      forger.prepare(`UPDATE airlock_audit_events SET actor = ${blob} WHERE seq = 1`).run()
      forger.close()
      expect(await verifyStore(store)).toMatchObject(forged)
    }
    await store.close()
  })

  it('stores the deepest event its JSON functions read back, and refuses one level deeper', async () => {
    const store = sqliteStore({ path: nextPath() })
    // Inputs `levels` containers deep (their own object included); the event's object makes one more.
    const inputs = (levels: number) => {
      let value: unknown = 'core'
      for (let i = 1; i < levels; i++) value = [value]
      return { deep: value }
    }
    await store.audit.append([sampleEvent({ inputs: inputs(999) })])
    expect(await verifyStore(store)).toEqual({ valid: true, count: 1 })
    await expect(store.audit.append([sampleEvent({ inputs: inputs(1000) })])).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringContaining('nesting deeper than 999'),
    })
    expect(await verifyStore(store)).toEqual({ valid: true, count: 1 })
    await store.close()
  })

  it('migrates itself on open, so a new file is ready to use', async () => {
    const store = sqliteStore({ path: nextPath() })
    await expect(store.audit.head()).resolves.toBeNull()
    const first = await store.migrate()
    expect(first?.applied).toBeGreaterThan(0)
    await expect(store.migrate()).resolves.toEqual({ applied: 0 })
    await store.close()
  })

  it('creates a new folder and database readable by their owner only, and its WAL file alike', async () => {
    const folder = join(dir, `private-${files++}`, 'nested')
    const path = join(folder, 'airlock.db')
    const store = sqliteStore({ path })
    await store.audit.append([sampleEvent()])
    const mode = (p: string) => statSync(p).mode & 0o777
    expect(mode(folder)).toBe(0o700)
    expect(mode(path)).toBe(0o600)
    expect(mode(`${path}-wal`)).toBe(0o600)
    await store.close()
  })

  it('upgrades a database that has the six filter indexes to the one filter index, and pages it the same', async () => {
    const path = nextPath()
    const store = sqliteStore({ path })
    const statuses = ['allowed', 'executed', 'denied', 'held'] as const
    await store.audit.append(
      Array.from({ length: 400 }, (_, i) =>
        sampleEvent({
          tenant_id: i % 3 === 0 ? 'globex' : 'acme',
          action: i % 2 === 0 ? 'deploy' : 'refund',
          actor: `agent-${i % 5}`,
          status: statuses[i % 4]!,
          decision: i % 7 === 0 ? 'deny' : 'allow',
          ts: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(),
        }),
      ),
    )
    const filters = [
      { tenant_id: 'acme' },
      { tenant_id: 'acme', action: 'refund' },
      { tenant_id: 'acme', actor: 'agent-3', status: 'executed' as const },
      { tenant_id: 'acme', decision: 'deny' as const },
      { tenant_id: 'globex', until: '2026-01-01T03:00:00Z' },
    ]
    const pages = async (s: typeof store) => {
      const seqs: number[][] = []
      for (const filter of filters) {
        const all: number[] = []
        let cursor: string | null = null
        do {
          const page = await s.audit.list(filter, 7, cursor)
          all.push(...page.items.map((e) => e.seq))
          cursor = page.next_cursor
        } while (cursor)
        seqs.push(all)
      }
      return seqs
    }
    const expected = await pages(store)
    await store.close()
    // Put the file back as migration 10 left it.
    const raw = new Database(path)
    raw.exec(`DROP INDEX airlock_audit_tenant_filters;
      CREATE INDEX airlock_audit_tenant ON airlock_audit_events (tenant_id, seq);
      CREATE INDEX airlock_audit_tenant_action ON airlock_audit_events (tenant_id, action, seq);
      CREATE INDEX airlock_audit_tenant_actor ON airlock_audit_events (tenant_id, actor, seq);
      CREATE INDEX airlock_audit_tenant_status ON airlock_audit_events (tenant_id, status, seq);
      CREATE INDEX airlock_audit_tenant_decision ON airlock_audit_events (tenant_id, decision, seq);
      CREATE INDEX airlock_audit_tenant_action_status ON airlock_audit_events (tenant_id, action, status, seq);
      DELETE FROM airlock_migrations WHERE version = 11;`)
    raw.close()
    const upgraded = sqliteStore({ path })
    await expect(upgraded.migrate()).resolves.toEqual({ applied: 1 })
    expect(expected.map((s) => s.length)).toEqual([266, 133, 13, 38, 60])
    expect(await pages(upgraded)).toEqual(expected)
    const check = new Database(path, { readonly: true })
    const left = check
      .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'airlock_audit_tenant%'")
      .all()
    check.close()
    expect(left).toEqual(
      expect.arrayContaining([{ name: 'airlock_audit_tenant_filters' }, { name: 'airlock_audit_tenant_ts' }]),
    )
    expect(left).toHaveLength(2)
    expect((await verifyStore(upgraded)).valid).toBe(true)
    await upgraded.close()
  })

  it('refuses a database migrated by a newer version', async () => {
    const path = nextPath()
    const store = sqliteStore({ path })
    await store.migrate()
    const raw = new Database(path)
    raw.prepare(`INSERT INTO airlock_migrations (version, name, applied_at) VALUES (99, 'future', 'x')`).run()
    raw.close()
    await expect(store.migrate()).rejects.toThrow(/schema version 99, newer than this Airlock knows \(\d+\)/)
    await store.close()
  })
})
