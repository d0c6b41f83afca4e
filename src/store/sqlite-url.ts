/**
 * The SQLite form of a store URL: `sqlite:<path>` with an optional
 * `?writer=thread|inline` picking where request batches commit.
 *
 * @module
 */
import { resolve } from 'node:path'
import type { SqliteWriter } from './sqlite/sqlite-store-config.js'

/** A SQLite store URL taken apart: the file and the writer it asks for. */
export interface SqliteUrl {
  readonly path: string
  readonly writer?: SqliteWriter
}

/** A SQLite store URL that cannot be used; `message` says which part and what was expected. */
export class SqliteUrlError extends Error {
  override readonly name = 'SqliteUrlError'
}

const WRITERS: readonly string[] = ['thread', 'inline']

/** The query of a SQLite URL: only `writer` is known, so a misspelt key is not ignored. */
function writerFrom(query: string): SqliteWriter | undefined {
  const params = new URLSearchParams(query)
  for (const key of params.keys()) {
    if (key !== 'writer')
      throw new SqliteUrlError(`unknown sqlite: parameter "${key}" (only "writer" is accepted)`)
  }
  const values = params.getAll('writer')
  if (values.length === 0) return undefined
  const value = values[0] ?? ''
  if (values.length > 1 || !WRITERS.includes(value)) {
    throw new SqliteUrlError(
      `writer must be "thread" (commits on a worker thread) or "inline" (on the event loop), got ${JSON.stringify(values.join(','))}`,
    )
  }
  return value as SqliteWriter
}

/**
 * Splits `sqlite:<path>[?writer=...]` (also `sqlite://<path>`). Everything
 * after the first `?` is the query, so a file name cannot contain `?`.
 *
 * @throws SqliteUrlError when no file is named or the query is not understood.
 */
export function parseSqliteUrl(url: string): SqliteUrl {
  let rest = url.slice('sqlite:'.length)
  if (rest.startsWith('//')) rest = rest.slice(2)
  const q = rest.indexOf('?')
  const path = q === -1 ? rest : rest.slice(0, q)
  if (path === '') throw new SqliteUrlError('"sqlite:" names no file')
  const writer = q === -1 ? undefined : writerFrom(rest.slice(q + 1))
  return writer === undefined ? { path } : { path, writer }
}

/** The URL for `parsed`, the inverse of {@link parseSqliteUrl}. */
export function formatSqliteUrl(parsed: SqliteUrl): string {
  return `sqlite:${parsed.path}${parsed.writer === undefined ? '' : `?writer=${parsed.writer}`}`
}

/**
 * `url` with a relative SQLite file taken from `base`; any other URL, and a
 * SQLite URL {@link parseSqliteUrl} refuses, comes back unchanged (opening it
 * reports the problem).
 */
export function sqliteUrlFrom(base: string, url: string): string {
  if (!url.startsWith('sqlite:') || url === 'sqlite::memory:') return url
  try {
    const parsed = parseSqliteUrl(url)
    return formatSqliteUrl({ ...parsed, path: resolve(base, parsed.path) })
  } catch (error) {
    if (error instanceof SqliteUrlError) return url
    throw error
  }
}

/** The file a SQLite URL names, or null for other stores, `:memory:` and URLs that do not parse. */
export function sqliteFileOf(url: string): string | null {
  if (!url.startsWith('sqlite:')) return null
  try {
    const { path } = parseSqliteUrl(url)
    return path === ':memory:' ? null : path
  } catch {
    return null
  }
}
