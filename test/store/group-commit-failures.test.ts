import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { GroupCommit } from '../../src/store/group-commit.js'
import { sqliteStore } from '../../src/store/sqlite/index.js'
import type { Store } from '../../src/store/store.js'
import { sampleEvent } from './conformance.js'

const dir = mkdtempSync(join(tmpdir(), 'airlock-group-commit-'))
let files = 0
const nextPath = () => join(dir, `store-${files++}.db`)

afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
})

/** `store`'s batches, counted: how many transactions the writer tried. */
function counted(store: Store) {
  const tries = { count: 0 }
  const batch: Store['batch'] = (ops) => {
    tries.count++
    return store.batch(ops)
  }
  return { tries, target: { batch } }
}

describe.each(['inline', 'thread'] as const)(
  'group commit on a SQLite file another connection holds (%s writer)',
  (writer) => {
    it('fails every unit of the batch at once, without retrying each after the busy timeout', async () => {
      const path = nextPath()
      const store = sqliteStore({ path, writer, busyTimeoutMs: 100 })
      await store.batch([{ kind: 'append', event: sampleEvent({ reason: 'first' }) }])
      const holder = new Database(path)
      holder.exec('BEGIN IMMEDIATE')
      const { tries, target } = counted(store)
      const commit = new GroupCommit(target)
      const settled = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) => commit.append(sampleEvent({ reason: `r${i}` }))),
      )
      // One transaction tried, refused as busy; twenty more would each wait out the timeout again.
      expect(tries.count).toBe(1)
      expect(settled.map((s) => s.status)).toEqual(Array(20).fill('rejected'))
      expect((settled[0] as PromiseRejectedResult).reason).toMatchObject({
        code: 'STORE_ERROR',
        message: expect.stringMatching(/database is locked/),
      })
      holder.exec('ROLLBACK')
      holder.close()
      // Nothing of it was stored, and the writer commits again once the lock is gone.
      await expect(commit.append(sampleEvent({ reason: 'after' }))).resolves.toMatchObject({ seq: 2 })
      await commit.close()
      await store.close()
    }, 30_000)

    it('still retries unit by unit when one op is at fault, so the others are stored', async () => {
      const store = sqliteStore({ path: nextPath(), writer })
      const { tries, target } = counted(store)
      const commit = new GroupCommit(target)
      const twin = sampleEvent({ reason: 'twin' })
      const settled = await Promise.allSettled([
        commit.append(sampleEvent({ reason: 'a' })),
        commit.append(twin),
        commit.append({ ...twin, reason: 'same id' }),
        commit.append(sampleEvent({ reason: 'b' })),
      ])
      expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled'])
      expect(tries.count).toBe(5)
      expect((await store.audit.range(0, 10)).map((e) => e.reason)).toEqual(['a', 'twin', 'b'])
      await commit.close()
      await store.close()
    })
  },
)
