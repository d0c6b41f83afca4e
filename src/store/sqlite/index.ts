/**
 * SQLite store (`airlock/sqlite`). Needs the optional peer `better-sqlite3`.
 *
 * @module
 */

export { SQLITE_MIGRATIONS, type SqliteMigration } from './migrations.js'
export { sqliteStore } from './sqlite-store.js'
export type { SqliteDatabase, SqliteStatement, SqliteStoreConfig } from './sqlite-store-config.js'
