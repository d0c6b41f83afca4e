/**
 * Schema migrations for SQLite, through the shared runner.
 *
 * @remarks Concurrency contract: the whole plan — history read, version
 * check, statements, history rows — runs in one `BEGIN IMMEDIATE` transaction
 * (SQLite's DDL is transactional), so when several processes migrate one file
 * at once exactly one applies each migration and the rest find it recorded;
 * a crash part-way leaves the previous schema. Nothing awaits inside, so no
 * other call on this connection can run in the middle.
 *
 * @module
 */
import {
  appliedVersionsQuery,
  countMigrations,
  migrationPlan,
  migrationsTableDdl,
} from '../internal/migration-runner.js'
import { SQLITE_MIGRATIONS } from './migrations.js'
import type { SqliteConnection } from './sqlite-connection.js'

const TABLE = 'airlock_migrations'

/** Brings the database up to the newest {@link SQLITE_MIGRATIONS} version; returns how many it applied. */
export function migrateSqlite(c: SqliteConnection): number {
  return c.write('migrate', () => {
    c.db.exec(migrationsTableDdl(TABLE))
    const applied = (c.db.prepare(appliedVersionsQuery(TABLE)).all() as { version: number }[]).map(
      (r) => r.version,
    )
    const target = { label: 'sqlite store: the database', table: TABLE, placeholder: () => '?' }
    const plan = migrationPlan(target, SQLITE_MIGRATIONS, applied)
    for (const { sql, params } of plan) {
      if (params.length === 0) c.db.exec(sql)
      else c.db.prepare(sql).run(...params)
    }
    return countMigrations(plan, TABLE)
  })
}
