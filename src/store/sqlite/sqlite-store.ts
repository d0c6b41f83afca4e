/**
 * The SQLite {@link Store}: one file, shared safely by several processes.
 *
 * @remarks One module per capability, each stating its concurrency contract:
 * `sqlite-approvals.ts`, `sqlite-idempotency.ts`, `sqlite-audit.ts`,
 * `sqlite-nonces.ts`, `sqlite-migrate.ts`. They share one connection
 * (`sqlite-connection.ts`): every read-modify-write runs in `BEGIN IMMEDIATE`,
 * which takes SQLite's single write lock up front, and with WAL and
 * `synchronous=FULL` a commit returns only after the log is fsynced.
 * `batch` — the hot path of every request's writes — can run on a
 * writer thread with its own connection (`sqlite-writer-thread.ts`).
 *
 * @module
 */

import { AirlockError } from '../../errors/airlock-error.js'
import { ErrorCode } from '../../errors/error-codes.js'
import { checkWriteOps } from '../internal/write-ops.js'
import type { Store } from '../store.js'
import { sqliteApprovals } from './sqlite-approvals.js'
import { sqliteAudit } from './sqlite-audit.js'
import { sqliteBatch } from './sqlite-batch.js'
import { SqliteCheckpointer } from './sqlite-checkpointer.js'
import { configureCache, configureDatabase, openDatabase, sqliteConnection } from './sqlite-connection.js'
import { sqliteFreezes } from './sqlite-freezes.js'
import { sqliteIdempotency } from './sqlite-idempotency.js'
import { sqliteMerkle } from './sqlite-merkle.js'
import { migrateSqlite } from './sqlite-migrate.js'
import { sqliteNonces } from './sqlite-nonces.js'
import { sqlitePolicyHead } from './sqlite-policy-head.js'
import { sqliteShipperCursors } from './sqlite-shipper-cursors.js'
import type { SqliteStoreConfig } from './sqlite-store-config.js'
import { SqliteWriterThread } from './sqlite-writer-thread.js'

/**
 * Creates a store over a SQLite database, migrated and ready to use.
 * better-sqlite3 is loaded only here, when the store opens a `path` itself.
 *
 * @remarks The schema is brought up to date on open, as the gateway's store
 * is (safe when several processes open one file at once); `migrate()` stays
 * and reports, on its first call, the migrations applied on open.
 *
 * @example
 * ```ts
 * const store = sqliteStore({ path: './.airlock/airlock.db' })
 * ```
 */
export function sqliteStore(config: SqliteStoreConfig): Store {
  const owned = 'path' in config
  const thread = writerThread(config)
  const checkpoints = checkpointer(config)
  const db = 'database' in config ? config.database : openDatabase(config.path)
  const c = sqliteConnection(db)
  // Applied on open; the first migrate() call still reports them, so `airlock migrate` can say what it did.
  let appliedOnOpen: number
  try {
    configureDatabase(db, config.busyTimeoutMs)
    configureCache(db, config.cacheKiB)
    appliedOnOpen = migrateSqlite(c)
  } catch (error) {
    // A file this store opened is closed again, whatever was wrong (an option, a migration).
    if (owned) db.close()
    throw error
  }
  return {
    kind: 'sqlite',
    approvals: sqliteApprovals(c),
    idempotency: sqliteIdempotency(c),
    nonces: sqliteNonces(c),
    freezes: sqliteFreezes(c),
    policy_head: sqlitePolicyHead(c),
    audit: sqliteAudit(c),
    merkle: sqliteMerkle(c),
    shipping: sqliteShipperCursors(c),
    async batch(ops) {
      if (ops.length === 0) return []
      const results = thread ? await thread.batch(checkWriteOps(ops)) : sqliteBatch(c, ops)
      checkpoints?.committed()
      return results
    },
    migrate: async () => {
      const applied = appliedOnOpen + migrateSqlite(c)
      appliedOnOpen = 0
      return { applied }
    },
    async ping() {
      c.read('ping', () => db.prepare('SELECT 1').get())
    },
    async close() {
      await thread?.close()
      await checkpoints?.close()
      c.clear()
      if (owned) c.read('close', () => db.close())
    },
  }
}

/** The writer thread `config` asks for, if any (see {@link SqliteWriter}). */
function writerThread(config: SqliteStoreConfig): SqliteWriterThread | null {
  if (!('path' in config)) return null
  const writer = config.writer ?? 'inline'
  if (writer !== 'thread' && writer !== 'inline') {
    throw new AirlockError(
      ErrorCode.CONFIG_INVALID,
      `sqliteStore({ writer }): expected 'thread' or 'inline', got ${JSON.stringify(writer)}`,
    )
  }
  if (writer === 'inline' || config.path === ':memory:') return null
  return new SqliteWriterThread({ path: config.path, busyTimeoutMs: config.busyTimeoutMs })
}

/** The checkpoint thread of a store that opened a file by path (see `sqlite-checkpointer.ts`). */
function checkpointer(config: SqliteStoreConfig): SqliteCheckpointer | null {
  if (!('path' in config) || config.path === ':memory:' || config.path.startsWith('file:')) return null
  return new SqliteCheckpointer({ path: config.path, busyTimeoutMs: config.busyTimeoutMs })
}
