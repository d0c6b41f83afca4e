/**
 * Kill-switch freezes in PostgreSQL.
 *
 * @remarks Concurrency contract: `lift` is one `UPDATE … WHERE lifted_at IS
 * NULL RETURNING`, so of concurrent callers for one id, on any replica,
 * exactly one gets the row.
 *
 * @module
 */
import type { FreezeStore } from '../freeze-store.js'
import { FREEZE_COLUMNS, type FreezeRow, freezeFromRow, freezeValues } from '../internal/freeze-row.js'
import type { PostgresConnection } from './postgres-connection.js'

export function postgresFreezes(c: PostgresConnection): FreezeStore {
  const add = `INSERT INTO ${c.s}.airlock_freezes (${FREEZE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, NULL, NULL)`
  const lift = `UPDATE ${c.s}.airlock_freezes SET lifted_by = $1, lifted_at = $2 WHERE id = $3 AND lifted_at IS NULL RETURNING ${FREEZE_COLUMNS}`
  const active = `SELECT ${FREEZE_COLUMNS} FROM ${c.s}.airlock_freezes WHERE lifted_at IS NULL ORDER BY created_at, id`
  return {
    async add(freeze) {
      const stored = { ...freeze, lifted_by: null, lifted_at: null }
      await c.query('freezes.add', add, freezeValues(stored))
      return stored
    },
    async lift(id, by, at) {
      const rows = await c.query<FreezeRow>('freezes.lift', lift, [by, at, id])
      return rows[0] === undefined ? null : freezeFromRow(rows[0])
    },
    async active() {
      return (await c.query<FreezeRow>('freezes.active', active)).map(freezeFromRow)
    },
  }
}
