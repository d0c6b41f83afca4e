/**
 * Persistence: the {@link Store} contract and the in-memory store. The SQLite
 * and PostgreSQL stores live in their own entry points (`airlock/sqlite`,
 * `airlock/postgres`) so the core never loads a database driver.
 *
 * @module
 */

export { APPROVAL_TOPIC, type ChangeFeed } from './change-feed.js'
export { GroupCommit, type GroupCommitOptions } from './group-commit.js'
/** `Store.batch` over a store's single-call methods, for stores without transactions. */
export { sequentialBatch } from './internal/write-ops.js'
export { memoryStore } from './memory/index.js'
export type * from './store.js'
