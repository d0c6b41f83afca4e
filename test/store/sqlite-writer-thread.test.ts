import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Worker } from 'node:worker_threads'
import { afterAll, describe, expect, it } from 'vitest'
import { verifyStore } from '../../src/audit/verify-chain.js'
import { AirlockError } from '../../src/errors/airlock-error.js'
import { GroupCommit } from '../../src/store/group-commit.js'
import { sqliteStore } from '../../src/store/sqlite/index.js'
import { SqliteWriterThread } from '../../src/store/sqlite/sqlite-writer-thread.js'
import type { WriteOp } from '../../src/store/store.js'
import { describeBatchConformance } from './batch-conformance.js'
import { sampleEvent } from './conformance.js'

const dir = mkdtempSync(join(tmpdir(), 'airlock-sqlite-thread-'))
let files = 0
const nextPath = () => join(dir, `store-${files++}.db`)

afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
})

describeBatchConformance('sqlite (writer thread)', async () =>
  sqliteStore({ path: nextPath(), writer: 'thread' }),
)

const append = (reason: string): WriteOp => ({ kind: 'append', event: sampleEvent({ reason }) })

describe('sqlite writer thread', () => {
  it('commits batches on the thread that the main connection then reads', async () => {
    const store = sqliteStore({ path: nextPath(), writer: 'thread' })
    const commit = new GroupCommit(store)
    const events = await Promise.all(
      Array.from({ length: 40 }, (_, i) => commit.append(sampleEvent({ reason: `r${i}` }))),
    )
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1))
    expect((await store.audit.head())?.seq).toBe(40)
    expect((await verifyStore(store)).valid).toBe(true)
    await commit.close()
    await store.close()
  }, 60_000)

  it('fails every batch of a thread that dies with STORE_UNAVAILABLE, and the next batch starts a fresh thread', async () => {
    const path = nextPath()
    const store = sqliteStore({ path, writer: 'inline' })
    const workers: Worker[] = []
    const thread = new SqliteWriterThread({ path, busyTimeoutMs: undefined }, (url, options) => {
      const worker = new Worker(url, options)
      workers.push(worker)
      return worker
    })
    await thread.batch([append('warm-up')])
    const inFlight = Array.from({ length: 20 }, (_, i) => thread.batch([append(`lost-${i}`)]))
    const settled = Promise.allSettled(inFlight)
    await workers[0]!.terminate()
    const outcomes = await settled
    // Batches answered before the thread stopped succeeded; none hangs, every other one failed closed.
    const failed = outcomes.filter((o) => o.status === 'rejected')
    expect(failed.length).toBeGreaterThan(0)
    for (const f of failed) {
      const reason = (f as PromiseRejectedResult).reason
      expect(AirlockError.isInstance(reason) && reason.code).toBe('STORE_UNAVAILABLE')
      expect((reason as Error).message).toMatch(/writer thread stopped.*may or may not be stored/)
    }
    const [after] = await thread.batch([append('after')])
    expect(workers).toHaveLength(2)
    expect(after?.kind).toBe('append')
    // Whatever the dead thread committed is in one valid chain, each event once.
    expect((await verifyStore(store)).valid).toBe(true)
    const head = await store.audit.head()
    expect(after?.kind === 'append' && after.event.seq).toBe(head?.seq)
    await thread.close()
    await store.close()
  }, 60_000)

  it('fails a batch with STORE_UNAVAILABLE when the thread cannot open the database', async () => {
    const thread = new SqliteWriterThread({ path: dir, busyTimeoutMs: undefined })
    const error = await thread.batch([append('x')]).catch((e: unknown) => e)
    expect(AirlockError.isInstance(error) && error.code).toBe('STORE_UNAVAILABLE')
    await thread.close()
  }, 60_000)

  it('keeps a BAD_REQUEST from the thread a BAD_REQUEST', async () => {
    const store = sqliteStore({ path: nextPath(), writer: 'thread' })
    const bad = { kind: 'complete', scope: { tenant_id: 't', action: 'a', key: 'k' }, owner: 'o', outcome: 1 }
    const error = await store.batch([bad as unknown as WriteOp]).catch((e: unknown) => e)
    expect(AirlockError.isInstance(error) && error.code).toBe('BAD_REQUEST')
    await store.close()
  })

  it('refuses with BAD_REQUEST an op holding a value that cannot reach the thread, and goes on committing', async () => {
    const store = sqliteStore({ path: nextPath(), writer: 'thread' })
    const notData = { kind: 'append', event: sampleEvent({ inputs: { call: () => 1 } }) } as WriteOp
    const error = await store.batch([notData]).catch((e: unknown) => e)
    expect(AirlockError.isInstance(error) && error.code).toBe('BAD_REQUEST')
    expect((error as Error).message).toMatch(/send JSON values only/)
    const [stored] = await store.batch([append('next')])
    expect(stored).toMatchObject({ kind: 'append', event: { seq: 1, reason: 'next' } })
    await store.close()
  })

  it('refuses a batch once the store is closed instead of starting a thread nothing closes', async () => {
    const store = sqliteStore({ path: nextPath(), writer: 'thread' })
    await store.batch([append('before')])
    await store.close()
    const error = await store.batch([append('after')]).catch((e: unknown) => e)
    expect(AirlockError.isInstance(error) && error.code).toBe('STORE_ERROR')
    expect((error as Error).message).toMatch(/the store is closed/)
  })

  it('refuses an unknown writer with the choices', () => {
    expect(() => sqliteStore({ path: nextPath(), writer: 'fast' as 'thread' })).toThrow(
      /sqliteStore\(\{ writer \}\): expected 'thread' or 'inline', got "fast"/,
    )
  })
})
