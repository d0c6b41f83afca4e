/**
 * Persistence: the {@link Store} contract and the in-memory store. The SQLite
 * and PostgreSQL stores live in their own entry points (`airlock/sqlite`,
 * `airlock/postgres`) so the core never loads a database driver.
 *
 * @module
 */
export { memoryStore } from './memory/index.js'
export type * from './store.js'
