/**
 * Shipper cursors in SQLite.
 *
 * @remarks Concurrency contract: `advance` is one conditional statement
 * (an insert for a cursor at 0, an update guarded by the old seq otherwise),
 * run under SQLite's single write lock; so of concurrent movers from the same
 * seq, in any process, exactly one changes a row.
 *
 * @module
 */
import { checkCursorMove, checkShipperName } from '../internal/cursor-advance.js'
import type { ShipperCursor, ShipperCursorStore } from '../shipper-cursor-store.js'
import type { SqliteConnection } from './sqlite-connection.js'

const GET = 'SELECT name, seq, updated_at FROM airlock_shipper_cursors WHERE name = ?'
const INSERT = `INSERT INTO airlock_shipper_cursors (name, seq, updated_at) VALUES (?, ?, ?)
  ON CONFLICT (name) DO NOTHING`
const UPDATE = 'UPDATE airlock_shipper_cursors SET seq = ?, updated_at = ? WHERE name = ? AND seq = ?'
const LIST = 'SELECT name, seq, updated_at FROM airlock_shipper_cursors ORDER BY name'

type Row = { name: string; seq: number; updated_at: string }

/** The cursor store over a SQLite connection. */
export function sqliteShipperCursors(c: SqliteConnection): ShipperCursorStore {
  return {
    async get(name) {
      checkShipperName(name)
      const row = c.read('shipping.get', () => c.stmt(GET).get(name)) as Row | undefined
      return row ? toCursor(row) : { name, seq: 0, updated_at: null }
    },
    async advance(name, from, to, now) {
      const at = checkCursorMove(name, from, to, now)
      return c.read('shipping.advance', () =>
        from === 0
          ? c.stmt(INSERT).run(name, to, at).changes === 1
          : c.stmt(UPDATE).run(to, at, name, from).changes === 1,
      )
    },
    async list() {
      return (c.read('shipping.list', () => c.stmt(LIST).all()) as Row[]).map(toCursor)
    },
  }
}

function toCursor(row: Row): ShipperCursor {
  return { name: row.name, seq: Number(row.seq), updated_at: row.updated_at }
}
