/**
 * PostgreSQL store (`airlock/postgres`). Needs the optional peer `pg`.
 *
 * @module
 */

export { POSTGRES_MIGRATIONS, type PostgresMigration } from './migrations.js'
export { postgresStore } from './postgres-store.js'
export type {
  PostgresPool,
  PostgresPoolClient,
  PostgresQueryResult,
  PostgresStoreConfig,
} from './postgres-store-config.js'
