/**
 * Schema migrations for PostgreSQL, through the shared runner.
 *
 * @remarks Concurrency contract: the whole plan runs in one transaction that
 * first takes a transaction-scoped advisory lock named after the schema, so
 * replicas that all migrate at start-up take turns: exactly one applies each
 * migration and the rest find it recorded. PostgreSQL's DDL is transactional,
 * so a crash part-way leaves the previous schema; the lock ends with the
 * transaction, never outliving a dead process.
 *
 * @module
 */
import {
  appliedVersionsQuery,
  countMigrations,
  migrationPlan,
  migrationsTableDdl,
} from '../internal/migration-runner.js'
import { POSTGRES_MIGRATIONS } from './migrations.js'
import type { PostgresConnection } from './postgres-connection.js'

/**
 * Brings the schema up to the newest {@link POSTGRES_MIGRATIONS} version,
 * creating it if needed; returns how many migrations it applied.
 */
export async function migratePostgres(c: PostgresConnection): Promise<number> {
  const table = `${c.s}.airlock_migrations`
  const steps = POSTGRES_MIGRATIONS.map((m) => ({
    version: m.version,
    name: m.name,
    statements: m.statements(c.s),
  }))
  return c.transaction('migrate', async (client) => {
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`airlock.migrate.${c.schemaName}`])
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${c.s}`)
    await client.query(migrationsTableDdl(table))
    const { rows } = await client.query<{ version: number }>(appliedVersionsQuery(table))
    const target = {
      label: `postgres store: schema ${c.schemaName}`,
      table,
      placeholder: (i: number) => `$${i}`,
    }
    const plan = migrationPlan(
      target,
      steps,
      rows.map((r) => r.version),
    )
    for (const { sql, params } of plan) await client.query(sql, [...params])
    return countMigrations(plan, table)
  })
}
