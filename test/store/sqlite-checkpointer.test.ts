import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { Worker, type WorkerOptions } from 'node:worker_threads'
import { afterAll, describe, expect, it } from 'vitest'
import { verifyStore } from '../../src/audit/verify-chain.js'
import { sqliteStore } from '../../src/store/sqlite/index.js'
import { SqliteCheckpointer } from '../../src/store/sqlite/sqlite-checkpointer.js'
import type { Store, WriteOp } from '../../src/store/store.js'
import { sampleEvent } from './conformance.js'

const dir = mkdtempSync(join(tmpdir(), 'airlock-sqlite-checkpoint-'))
let files = 0
const nextPath = () => join(dir, `store-${files++}.db`)

afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
})

const size = (path: string) => statSync(path).size

// About 1.3 KB an event: 40 batches of 100 put some 5 MB in the WAL, well
// under the 64 MiB at which the writer checkpoints by itself.
const batch = (n: number): WriteOp[] =>
  Array.from({ length: n }, (_, i) => ({
    kind: 'append',
    event: sampleEvent({ inputs: { note: 'x'.repeat(1000), i } }),
  }))

async function fill(store: Store, batches: number): Promise<void> {
  for (let i = 0; i < batches; i++) await store.batch(batch(100))
}

/** A store whose WAL is past the checkpointer's threshold, and a checkpointer of it that records its threads. */
async function busyStore(spawn = (url: URL, options: WorkerOptions) => new Worker(url, options)) {
  const path = nextPath()
  const store = sqliteStore({ path })
  await store.batch(batch(10))
  const workers: Worker[] = []
  const checkpointer = new SqliteCheckpointer({ path, busyTimeoutMs: undefined }, 0, (url, options) => {
    const worker = spawn(url, options)
    workers.push(worker)
    return worker
  })
  return { store, checkpointer, workers }
}

describe('sqlite checkpoint thread', () => {
  it('copies a busy store’s WAL into the database file while commits go on', async () => {
    const path = nextPath()
    const store = sqliteStore({ path })
    await fill(store, 40)
    // The writer alone would leave every page in the WAL, and the database
    // file at a few KiB, until the WAL reached 64 MiB.
    const deadline = Date.now() + 20_000
    while (size(path) < 4 * 1024 * 1024 && Date.now() < deadline) {
      await store.batch(batch(1))
      await sleep(50)
    }
    expect(size(path)).toBeGreaterThan(4 * 1024 * 1024)
    expect(size(`${path}-wal`)).toBeLessThan(64 * 1024 * 1024)
    expect((await verifyStore(store)).valid).toBe(true)
    await store.close()
  }, 60_000)

  it('starts no thread for a store whose WAL is small, and one, once, when it has grown', async () => {
    const { store, checkpointer, workers } = await busyStore()
    checkpointer.committed()
    expect(workers).toHaveLength(0)
    await fill(store, 40)
    checkpointer.committed()
    checkpointer.committed()
    expect(workers).toHaveLength(1)
    await checkpointer.close()
    await store.close()
  }, 60_000)

  it('runs a fresh thread after its thread died, and the store goes on committing meanwhile', async () => {
    const { store, checkpointer, workers } = await busyStore()
    await fill(store, 40)
    checkpointer.committed()
    await workers[0]!.terminate()
    await store.batch(batch(5))
    // The dead thread's pass is answered (as failed), and the next one waits a second.
    const deadline = Date.now() + 10_000
    while (workers.length < 2 && Date.now() < deadline) {
      checkpointer.committed()
      await sleep(20)
    }
    expect(workers).toHaveLength(2)
    await checkpointer.close()
    expect((await store.audit.head())?.seq).toBe(4015)
    await store.close()
  }, 60_000)

  it('takes a thread that cannot start as a failed pass: the commit that asked is not failed, and it backs off', async () => {
    let starts = 0
    // What `new Worker` does when the process is at its thread limit.
    const { store, checkpointer } = await busyStore(() => {
      starts++
      throw new Error('ERR_WORKER_INIT_FAILED: EAGAIN')
    })
    await fill(store, 40)
    const until = Date.now() + 500
    while (Date.now() < until) {
      expect(() => checkpointer.committed()).not.toThrow()
      await sleep(10)
    }
    expect(starts).toBe(1)
    await checkpointer.close()
    await store.close()
  }, 60_000)

  it('backs off from a thread that keeps failing instead of starting one every pass', async () => {
    // Each thread dies at once, as one that cannot open the file would.
    const { store, checkpointer, workers } = await busyStore(
      () => new Worker('process.exit(1)', { eval: true }),
    )
    await fill(store, 40)
    const until = Date.now() + 2_500
    while (Date.now() < until) {
      checkpointer.committed()
      await sleep(10)
    }
    // Started at once, then after 1 s, then not before 3 s: not every 10 ms.
    expect(workers).toHaveLength(2)
    await checkpointer.close()
    await store.close()
  }, 60_000)
})
