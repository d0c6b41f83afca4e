/**
 * The SQLite {@link Store}: one file, shared safely by several processes.
 *
 * @remarks One module per capability, each stating its concurrency contract:
 * `sqlite-approvals.ts`, `sqlite-idempotency.ts`, `sqlite-audit.ts`,
 * `sqlite-nonces.ts`, `sqlite-migrate.ts`. They share one connection
 * (`sqlite-connection.ts`): every read-modify-write runs in `BEGIN IMMEDIATE`,
 * which takes SQLite's single write lock up front, and with WAL and
 * `synchronous=FULL` a commit returns only after the log is fsynced.
 *
 * @module
 */

import type { Store } from '../store.js'
import { sqliteApprovals } from './sqlite-approvals.js'
import { sqliteAudit } from './sqlite-audit.js'
import { sqliteBatch } from './sqlite-batch.js'
import { configureDatabase, openDatabase, sqliteConnection } from './sqlite-connection.js'
import { sqliteFreezes } from './sqlite-freezes.js'
import { sqliteIdempotency } from './sqlite-idempotency.js'
import { sqliteMerkle } from './sqlite-merkle.js'
import { migrateSqlite } from './sqlite-migrate.js'
import { sqliteNonces } from './sqlite-nonces.js'
import { sqlitePolicyHead } from './sqlite-policy-head.js'
import { sqliteShipperCursors } from './sqlite-shipper-cursors.js'
import type { SqliteStoreConfig } from './sqlite-store-config.js'

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
  const db = 'database' in config ? config.database : openDatabase(config.path)
  configureDatabase(db, config.busyTimeoutMs)
  const c = sqliteConnection(db)
  // Applied on open; the first migrate() call still reports them, so `airlock migrate` can say what it did.
  let appliedOnOpen: number
  try {
    appliedOnOpen = migrateSqlite(c)
  } catch (error) {
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
    batch: async (ops) => sqliteBatch(c, ops),
    migrate: async () => {
      const applied = appliedOnOpen + migrateSqlite(c)
      appliedOnOpen = 0
      return { applied }
    },
    async ping() {
      c.read('ping', () => db.prepare('SELECT 1').get())
    },
    async close() {
      c.clear()
      if (owned) c.read('close', () => db.close())
    },
  }
}
