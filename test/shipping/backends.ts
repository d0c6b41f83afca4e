/**
 * The three store backends for the shipping suites, each store reopenable
 * (same file or schema) to check what survives a restart.
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { memoryStore } from '../../src/store/memory/index.js'
import { postgresStore } from '../../src/store/postgres/index.js'
import { sqliteStore } from '../../src/store/sqlite/index.js'
import type { Store } from '../../src/store/store.js'

/** Makes a fresh database; `reopen` gives another store over that same database (memory: the same store). */
export interface Backend {
  readonly name: 'memory' | 'sqlite' | 'postgres'
  fresh(): { store: Store; reopen(): Store }
}

/** Backends plus the clean-up to run in `afterAll`. */
export function shippingBackends(label: string): { backends: Backend[]; cleanup(): Promise<void> } {
  const dir = mkdtempSync(join(tmpdir(), `airlock-${label}-`))
  const url = process.env.AIRLOCK_TEST_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/test'
  const prefix = `airlock_${label}_${randomBytes(4).toString('hex')}`
  const pool = new pg.Pool({ connectionString: url, max: 10 })
  let n = 0
  const backends: Backend[] = [
    {
      name: 'memory',
      fresh() {
        const store = memoryStore()
        return { store, reopen: () => store }
      },
    },
    {
      name: 'sqlite',
      fresh() {
        const path = join(dir, `s-${n++}.db`)
        return { store: sqliteStore({ path }), reopen: () => sqliteStore({ path }) }
      },
    },
    {
      name: 'postgres',
      fresh() {
        const schema = `${prefix}_${n++}`
        return { store: postgresStore({ pool, schema }), reopen: () => postgresStore({ pool, schema }) }
      },
    },
  ]
  return {
    backends,
    async cleanup() {
      rmSync(dir, { recursive: true, force: true })
      const { rows } = await pool.query<{ nspname: string }>(
        'SELECT nspname FROM pg_namespace WHERE nspname LIKE $1',
        [`${prefix}%`],
      )
      for (const { nspname } of rows) await pool.query(`DROP SCHEMA "${nspname}" CASCADE`)
      await pool.end()
    },
  }
}
