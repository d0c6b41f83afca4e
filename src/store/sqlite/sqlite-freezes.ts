/**
 * Kill-switch freezes in SQLite.
 *
 * @remarks Concurrency contract: `lift` is one `UPDATE … WHERE lifted_at IS
 * NULL RETURNING`, so of concurrent callers for one id, in any process,
 * exactly one gets the row.
 *
 * @module
 */
import type { FreezeStore } from '../freeze-store.js'
import { FREEZE_COLUMNS, type FreezeRow, freezeFromRow, freezeValues } from '../internal/freeze-row.js'
import type { SqliteConnection } from './sqlite-connection.js'

const ADD = `INSERT INTO airlock_freezes (${FREEZE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, NULL, NULL)`
const LIFT = `UPDATE airlock_freezes SET lifted_by = ?, lifted_at = ? WHERE id = ? AND lifted_at IS NULL RETURNING ${FREEZE_COLUMNS}`
const ACTIVE = `SELECT ${FREEZE_COLUMNS} FROM airlock_freezes WHERE lifted_at IS NULL ORDER BY created_at, id`

export function sqliteFreezes(c: SqliteConnection): FreezeStore {
  return {
    async add(freeze) {
      const stored = { ...freeze, lifted_by: null, lifted_at: null }
      c.read('freezes.add', () => c.stmt(ADD).run(...freezeValues(stored)))
      return stored
    },
    async lift(id, by, at) {
      const row = c.read('freezes.lift', () => c.stmt(LIFT).get(by, at, id)) as FreezeRow | undefined
      return row === undefined ? null : freezeFromRow(row)
    },
    async active() {
      const rows = c.read('freezes.active', () => c.stmt(ACTIVE).all()) as FreezeRow[]
      return rows.map(freezeFromRow)
    },
  }
}
