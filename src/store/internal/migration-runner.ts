/**
 * The one migration runner of the SQL stores. Both dialects keep their
 * history in an `airlock_migrations` table and apply the same way: read the
 * applied versions, refuse a database newer than this code, then run every
 * missing migration's statements and record it — all inside one exclusive
 * section the dialect provides.
 *
 * @remarks Concurrency contract: the caller runs {@link migrationPlan}'s
 * result inside a section that excludes every other migrator, in any process,
 * and commits or rolls back as one: PostgreSQL takes a transaction-scoped
 * advisory lock inside the migrating transaction (its DDL is transactional);
 * SQLite runs inside `BEGIN IMMEDIATE`, which holds the database's single
 * write lock. So when several replicas start at once exactly one applies each
 * migration, the others find it recorded, and a crash part-way leaves the
 * previous version intact. The runner only plans; it never needs to await
 * between statements, so SQLite's synchronous driver keeps the whole section
 * on one turn of the event loop and no other store call can slip into it.
 *
 * @module
 */
import { AirlockError } from '../../errors/airlock-error.js'
import { ErrorCode } from '../../errors/error-codes.js'
import type { Placeholder, SqlQuery } from './sql-query.js'

/** One versioned schema change. Versions only ever grow; a released migration is never edited. */
export interface MigrationStep {
  readonly version: number
  readonly name: string
  readonly statements: readonly string[]
}

/** How many migrations one plan records: one history row per migration. */
export function countMigrations(plan: readonly SqlQuery[], table: string): number {
  return plan.filter((q) => q.sql.startsWith(`INSERT INTO ${table} `)).length
}

/** The history table, created if missing before anything is read from it. */
export function migrationsTableDdl(table: string): string {
  return `CREATE TABLE IF NOT EXISTS ${table} (
    version integer PRIMARY KEY, name text NOT NULL, applied_at text NOT NULL)`
}

/** The query that lists applied versions. */
export function appliedVersionsQuery(table: string): string {
  return `SELECT version FROM ${table}`
}

/** Where the plan applies: names the database in errors, and how the dialect binds values. */
export interface MigrationTarget {
  /** `sqlite store: the database` or `postgres store: schema x`. */
  readonly label: string
  readonly table: string
  readonly placeholder: Placeholder
}

/**
 * The statements that bring a database with `applied` versions up to the
 * newest of `steps` (oldest first), each migration followed by the row that
 * records it. Empty when nothing is missing.
 *
 * @throws AirlockError STORE_ERROR when the database is at a version newer
 * than any in `steps`: an older Airlock must not write to a newer schema.
 */
export function migrationPlan(
  target: MigrationTarget,
  steps: readonly MigrationStep[],
  applied: Iterable<number | string>,
  now: Date = new Date(),
): SqlQuery[] {
  const done = new Set([...applied].map(Number))
  const known = steps.at(-1)?.version ?? 0
  const newest = Math.max(0, ...done)
  if (newest > known) {
    throw new AirlockError(
      ErrorCode.STORE_ERROR,
      `${target.label} is at schema version ${newest}, newer than this Airlock knows (${known}); upgrade Airlock`,
    )
  }
  const p = target.placeholder
  const record = `INSERT INTO ${target.table} (version, name, applied_at) VALUES (${p(1)}, ${p(2)}, ${p(3)})`
  const plan: SqlQuery[] = []
  for (const step of steps) {
    if (done.has(step.version)) continue
    for (const sql of step.statements) plan.push({ sql, params: [] })
    plan.push({ sql: record, params: [step.version, step.name, now.toISOString()] })
  }
  return plan
}
