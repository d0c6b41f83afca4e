/**
 * The `store` and `seal` sections: the store URL (a relative SQLite path
 * taken from the config's folder) and the keys held inputs are sealed with.
 *
 * @module
 */
import { resolve } from 'node:path'
import { ConfigError } from '../errors/config-error.js'
import type { YamlSource } from '../internal/yaml-source.js'
import { formatSqliteUrl, parseSqliteUrl, SqliteUrlError } from '../store/sqlite-url.js'
import type { ParsedConfigFile } from './config-schema.js'
import type { ResolvedSealConfig } from './resolved-config.js'

export function resolveStore(source: YamlSource, store: string, dir: string): string {
  const value = store.trim()
  if (value === 'memory' || value === 'memory:' || value === 'sqlite::memory:') return value
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(value)?.[1]?.toLowerCase()
  if (scheme === 'sqlite') {
    return resolveSqlite(source, value, dir)
  }
  if (scheme === 'postgres' || scheme === 'postgresql') {
    try {
      new URL(value)
    } catch {
      throw source.error(['store'], 'expected a valid URL such as postgres://user@host:5432/database')
    }
    return value
  }
  throw source.error(
    ['store'],
    'expected memory, sqlite:<path>[?writer=thread] or postgres://user@host:port/database' +
      (scheme === undefined ? '' : ` (scheme '${scheme}:' is not supported)`),
  )
}

/** A SQLite URL with its file taken from the config's folder and its `writer` checked. */
function resolveSqlite(source: YamlSource, value: string, dir: string): string {
  try {
    const parsed = parseSqliteUrl(value)
    return formatSqliteUrl({ ...parsed, path: resolve(dir, parsed.path) })
  } catch (error) {
    if (!(error instanceof SqliteUrlError)) throw error
    throw source.error(
      ['store'],
      `${error.message}; expected sqlite:<file>[?writer=thread|inline], e.g. sqlite:./.airlock/airlock.db?writer=thread`,
    )
  }
}

export function resolveSeal(config: ParsedConfigFile, dir: string): ResolvedSealConfig | null {
  const seal = config.seal
  if (seal === undefined) return null
  if ('key_file' in seal) return { kind: 'key_file', path: resolve(dir, seal.key_file), key_id: seal.key_id }
  return { kind: 'keys', keys: { ...seal.keys }, current: seal.current }
}

/** A durable store without seal keys is refused: held requests' inputs would be stored in clear. */
export function requireSealForDurableStore(
  source: YamlSource,
  expanded: unknown,
  store: string,
  seal: ResolvedSealConfig | null,
): void {
  const durable = !(store === 'memory' || store === 'memory:' || store === 'sqlite::memory:')
  if (durable && seal === null) {
    throw new ConfigError([
      source.issue(
        'store' in (expanded as Record<string, unknown>) ? ['store'] : [],
        `a durable store needs 'seal' keys to encrypt held requests' inputs; add seal: { key_file: ./.airlock/seal.key } (created on first start) or seal: { keys: { k1: \${AIRLOCK_SEAL_KEY} }, current: k1 }`,
      ),
    ])
  }
}
