/**
 * The SQLite connection every capability module shares: opening the file,
 * the pragmas that make it safe for several processes, a statement cache, and
 * the two ways to run work — `read` (one autocommit statement) and `write`
 * (`BEGIN IMMEDIATE` … `COMMIT`).
 *
 * @remarks `write` takes SQLite's single write lock up front, so a
 * read-modify-write never races another writer in this or any other process;
 * those wait up to `busy_timeout`. better-sqlite3 is synchronous, so the work
 * inside never interleaves with other work in this process either. With WAL
 * and `synchronous=FULL` a commit returns only after the log is fsynced.
 *
 * @module
 */
import { closeSync, existsSync, mkdirSync, openSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname } from 'node:path'
import { AirlockError } from '../../errors/airlock-error.js'
import { ErrorCode } from '../../errors/error-codes.js'
import { storeError } from '../internal/store-error.js'
import type { SqliteDatabase, SqliteStatement } from './sqlite-store-config.js'

/** What the capability modules run their SQL through. */
export interface SqliteConnection {
  readonly db: SqliteDatabase
  /** A prepared statement, cached for the life of the store. */
  stmt(sql: string): SqliteStatement
  /** Runs `fn` outside an explicit transaction; driver errors become STORE_ERROR. */
  read<T>(operation: string, fn: () => T): T
  /** Runs `fn` inside `BEGIN IMMEDIATE`; commits on return, rolls back on throw. */
  write<T>(operation: string, fn: () => T): T
  /** Drops the cached statements. */
  clear(): void
}

/**
 * Opens `path` with better-sqlite3, which is loaded here, when a SQLite store
 * is opened, and never by importing the package: the core must not need the
 * native driver.
 */
export function openDatabase(path: string): SqliteDatabase {
  if (typeof path !== 'string' || path === '') {
    throw new AirlockError(ErrorCode.CONFIG_INVALID, 'sqliteStore({ path }): path must be a non-empty string')
  }
  let Database: new (filename: string) => SqliteDatabase
  try {
    Database = createRequire(import.meta.url)('better-sqlite3') as typeof Database
  } catch (error) {
    throw new AirlockError(
      ErrorCode.CONFIG_INVALID,
      'sqliteStore({ path }) needs the better-sqlite3 package: npm install better-sqlite3',
      { cause: error },
    )
  }
  try {
    if (path !== ':memory:' && !path.startsWith('file:')) createPrivately(path)
    return new Database(path)
  } catch (error) {
    throw storeError('sqlite', `opening ${path}`, error)
  }
}

/**
 * Creates a missing database folder (0700) and file (0600) readable by their
 * owner only: the file holds sealed inputs and the audit chain, and SQLite
 * gives its -wal and -shm files the database file's mode. Existing folders
 * and files keep the mode they have.
 */
function createPrivately(path: string): void {
  // A first run should not fail because the database's folder is not there yet.
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 })
  if (!existsSync(path)) closeSync(openSync(path, 'a', 0o600))
}

/** Sets the pragmas the store's guarantees rest on. */
export function configureDatabase(db: SqliteDatabase, busyTimeoutMs: number | undefined): void {
  const busyTimeout = busyTimeoutMs ?? 10_000
  if (!Number.isInteger(busyTimeout) || busyTimeout < 0) {
    throw new AirlockError(
      ErrorCode.CONFIG_INVALID,
      'sqliteStore: busyTimeoutMs must be a non-negative integer',
    )
  }
  try {
    // busy_timeout first: switching to WAL needs a lock another process may hold.
    db.pragma(`busy_timeout = ${busyTimeout}`)
    db.pragma('journal_mode = WAL')
    db.pragma('synchronous = FULL')
    // Checkpoints copy the WAL into the database and fsync it, on this
    // thread. At SQLite's default (every 1,000 pages) they ran several times a
    // second under load and cut audited throughput by a third; every 16,384
    // pages (64 MiB of WAL at 4 KiB pages) keeps them rare, and the size
    // limit hands the space back after each one.
    db.pragma('wal_autocheckpoint = 16384')
    db.pragma(`journal_size_limit = ${64 * 1024 * 1024}`)
  } catch (error) {
    throw storeError('sqlite', 'configuring the connection', error)
  }
}

/** Sets the connection's page cache to `cacheKiB` KiB; `undefined` keeps the driver's. */
export function configureCache(db: SqliteDatabase, cacheKiB: number | undefined): void {
  if (cacheKiB === undefined) return
  if (!Number.isInteger(cacheKiB) || cacheKiB < 1) {
    throw new AirlockError(
      ErrorCode.CONFIG_INVALID,
      `sqliteStore: cacheKiB must be a whole number of KiB ≥ 1, got ${String(cacheKiB)}; leave it out for the driver's default`,
    )
  }
  try {
    // A negative cache_size counts KiB rather than pages.
    db.pragma(`cache_size = -${cacheKiB}`)
  } catch (error) {
    throw storeError('sqlite', 'setting the page cache', error)
  }
}

function fail(operation: string, error: unknown): AirlockError {
  const wrapped = storeError('sqlite', operation, error)
  if (!AirlockError.isInstance(error) && /no such table: airlock_/.test(wrapped.message)) {
    return new AirlockError(ErrorCode.STORE_ERROR, `${wrapped.message} (run store.migrate() first)`, {
      cause: error,
    })
  }
  return wrapped
}

function runWrite<T>(db: SqliteDatabase, operation: string, fn: () => T): T {
  try {
    db.exec('BEGIN IMMEDIATE')
  } catch (error) {
    throw fail(operation, error)
  }
  try {
    const result = fn()
    db.exec('COMMIT')
    return result
  } catch (error) {
    try {
      db.exec('ROLLBACK')
    } catch {
      // SQLite already rolled back (e.g. after a disk or busy error).
    }
    throw fail(operation, error)
  }
}

/** Wraps a configured database for the capability modules. */
export function sqliteConnection(db: SqliteDatabase): SqliteConnection {
  const cache = new Map<string, SqliteStatement>()
  return {
    db,
    stmt(sql) {
      let prepared = cache.get(sql)
      if (!prepared) {
        prepared = db.prepare(sql)
        cache.set(sql, prepared)
      }
      return prepared
    },
    read(operation, fn) {
      try {
        return fn()
      } catch (error) {
        throw fail(operation, error)
      }
    },
    write: (operation, fn) => runWrite(db, operation, fn),
    clear: () => cache.clear(),
  }
}
