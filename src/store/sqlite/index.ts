/**
 * SQLite store (`airlock/sqlite`). `better-sqlite3` is installed with the package
 * but loaded only when a store opens a file (`sqliteStore({ path })`).
 *
 * @module
 */

export { SQLITE_MIGRATIONS, type SqliteMigration } from './migrations.js'
export { sqliteStore } from './sqlite-store.js'
export type {
  SqliteDatabase,
  SqliteStatement,
  SqliteStoreConfig,
  SqliteWriter,
} from './sqlite-store-config.js'
