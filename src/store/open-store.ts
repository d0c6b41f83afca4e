/**
 * A store from a URL, for configuration files and the command line.
 *
 * @module
 */
import { AirlockError } from '../errors/airlock-error.js'
import { ErrorCode } from '../errors/error-codes.js'
import { parseSqliteUrl, SqliteUrlError } from './sqlite-url.js'
import type { Store } from './store.js'

const USAGE =
  'expected "memory", "sqlite:<path>[?writer=thread]", "sqlite::memory:" or "postgres://user@host:port/database"'

function invalid(message: string): AirlockError {
  return new AirlockError(ErrorCode.CONFIG_INVALID, `store URL ${message}; ${USAGE}`)
}

/** The `pool` query parameter of a PostgreSQL URL: connections in the store's pool. */
function poolSize(value: string | null): number | undefined {
  if (value === null) return undefined
  const n = Number(value)
  // One connection stays listening for announcements from other replicas, so 2 is the least that serves.
  if (!/^\d+$/.test(value) || n < 2 || n > 100) {
    throw invalid(`pool must be a whole number of connections from 2 to 100, got ${JSON.stringify(value)}`)
  }
  return n
}

/** How to open the store a URL names, beyond what the URL says. */
export interface OpenStoreOptions {
  /** A SQLite store's page cache in KiB (see `cacheKiB` of `sqliteStore`); ignored by other stores. */
  readonly sqliteCacheKiB?: number
}

/**
 * Opens the store a URL names: `memory`; `sqlite:./airlock.db`,
 * `sqlite:///abs/path.db` or `sqlite::memory:` (`?writer=thread` commits
 * request batches on a worker thread, `?writer=inline` on the event loop,
 * the default); `postgres://...` or
 * `postgresql://...` (an optional `schema` query parameter picks the schema,
 * `pool` the number of connections; default 8).
 * The SQLite and PostgreSQL drivers are loaded only when asked for.
 *
 * @remarks The store is not migrated; call `migrate()`.
 */
export async function openStore(url: string, options: OpenStoreOptions = {}): Promise<Store> {
  if (typeof url !== 'string' || url.trim() === '') throw invalid('is empty')
  const value = url.trim()
  if (value === 'memory' || value === 'memory:') {
    const { memoryStore } = await import('./memory/index.js')
    return memoryStore()
  }
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(value)?.[1]?.toLowerCase()
  if (scheme === 'sqlite') {
    let parsed: ReturnType<typeof parseSqliteUrl>
    try {
      parsed = parseSqliteUrl(value)
    } catch (error) {
      if (error instanceof SqliteUrlError) throw invalid(error.message)
      throw error
    }
    const { sqliteStore } = await import('./sqlite/index.js')
    const { sqliteCacheKiB } = options
    return sqliteStore(sqliteCacheKiB === undefined ? parsed : { ...parsed, cacheKiB: sqliteCacheKiB })
  }
  if (scheme === 'postgres' || scheme === 'postgresql') {
    let parsed: URL
    try {
      parsed = new URL(value)
    } catch {
      throw invalid(`"${scheme}://…" is not a valid URL`)
    }
    const schema = parsed.searchParams.get('schema')
    const max = poolSize(parsed.searchParams.get('pool'))
    parsed.searchParams.delete('schema')
    parsed.searchParams.delete('pool')
    const { postgresStore } = await import('./postgres/index.js')
    const connectionString = parsed.toString()
    return postgresStore({
      connectionString,
      ...(schema === null ? {} : { schema }),
      ...(max === undefined ? {} : { max }),
    })
  }
  // Only the scheme is echoed: the rest may hold a password.
  throw invalid(scheme === undefined ? 'has no scheme' : `scheme "${scheme}:" is not supported`)
}
