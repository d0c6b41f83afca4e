/**
 * The slice of better-sqlite3 the SQLite store uses. Declared here rather
 * than imported so the package never needs better-sqlite3's types, and any
 * driver with this shape will do.
 */
export interface SqliteStatement {
  run(...params: unknown[]): { readonly changes: number }
  get(...params: unknown[]): unknown
  all(...params: unknown[]): unknown[]
  /** Rows as arrays of column values rather than objects (better-sqlite3's `raw`). Optional. */
  raw?(toggle: boolean): SqliteStatement
}

/** A synchronous SQLite connection (better-sqlite3's `Database`). */
export interface SqliteDatabase {
  prepare(source: string): SqliteStatement
  exec(source: string): unknown
  pragma(source: string, options?: { simple?: boolean }): unknown
  close(): unknown
}

interface SqliteStoreOptions {
  /**
   * How long a writer waits for another connection's write lock before
   * failing, in milliseconds (SQLite's `busy_timeout`). Default 10 000.
   */
  readonly busyTimeoutMs?: number
  /**
   * The store connection's page cache, in KiB (SQLite's `cache_size`).
   * Default: the driver's (16 MiB for better-sqlite3). A process that only
   * reads the log once from start to end, like `airlock audit verify`, gains
   * nothing from a large cache and can keep its memory down with a small one.
   */
  readonly cacheKiB?: number
}

/**
 * Where {@link Store.batch} commits — the claims, audit events and outcomes
 * of concurrent requests: `'thread'` on a worker thread with a write
 * connection of its own, so the event loop keeps serving requests while a
 * commit fsyncs; `'inline'` on the store's own connection, blocking the event
 * loop for the commit. Every other read and write stays on the store's
 * connection either way.
 */
export type SqliteWriter = 'thread' | 'inline'

interface SqlitePathOptions {
  readonly path: string
  /** Default `'inline'`; `':memory:'` databases are always `'inline'` (a thread cannot share them). */
  readonly writer?: SqliteWriter
}

/**
 * Configuration of {@link sqliteStore}: either a connection you own, or a
 * file path the store opens (and closes) itself.
 *
 * @remarks The store sets `journal_mode=WAL`, `synchronous=FULL` and
 * `busy_timeout` on the connection either way: without them an audit append
 * could return before it is durable, or fail when another process writes.
 * A connection you own is written inline: the writer thread needs to open
 * the file itself.
 */
export type SqliteStoreConfig =
  | (SqliteStoreOptions & { readonly database: SqliteDatabase })
  | (SqliteStoreOptions & SqlitePathOptions)
