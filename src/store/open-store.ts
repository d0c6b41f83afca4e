/**
 * A store from a URL, for configuration files and the command line.
 *
 * @module
 */
import { AirlockError } from '../errors/airlock-error.js'
import { ErrorCode } from '../errors/error-codes.js'
import type { Store } from './store.js'

const USAGE = 'expected "memory", "sqlite:<path>", "sqlite::memory:" or "postgres://user@host:port/database"'

function invalid(message: string): AirlockError {
  return new AirlockError(ErrorCode.CONFIG_INVALID, `store URL ${message}; ${USAGE}`)
}

/** How to open the store a URL names, beyond what the URL says. */
export interface OpenStoreOptions {
  /** A SQLite store's page cache in KiB (see `cacheKiB` of `sqliteStore`); ignored by other stores. */
  readonly sqliteCacheKiB?: number
}

/**
 * Opens the store a URL names: `memory`; `sqlite:./airlock.db`,
 * `sqlite:///abs/path.db` or `sqlite::memory:`; `postgres://...` or
 * `postgresql://...` (an optional `schema` query parameter picks the schema).
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
    let path = value.slice('sqlite:'.length)
    if (path.startsWith('//')) path = path.slice(2)
    if (path === '') throw invalid('"sqlite:" names no file')
    const { sqliteStore } = await import('./sqlite/index.js')
    const { sqliteCacheKiB } = options
    return sqliteStore(sqliteCacheKiB === undefined ? { path } : { path, cacheKiB: sqliteCacheKiB })
  }
  if (scheme === 'postgres' || scheme === 'postgresql') {
    let parsed: URL
    try {
      parsed = new URL(value)
    } catch {
      throw invalid(`"${scheme}://…" is not a valid URL`)
    }
    const schema = parsed.searchParams.get('schema')
    parsed.searchParams.delete('schema')
    const { postgresStore } = await import('./postgres/index.js')
    const connectionString = parsed.toString()
    return schema === null ? postgresStore({ connectionString }) : postgresStore({ connectionString, schema })
  }
  // Only the scheme is echoed: the rest may hold a password.
  throw invalid(scheme === undefined ? 'has no scheme' : `scheme "${scheme}:" is not supported`)
}
