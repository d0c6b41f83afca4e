/**
 * Shipper cursors in PostgreSQL.
 *
 * @remarks Concurrency contract, across any number of replicas: `advance` is
 * one statement (an `INSERT … ON CONFLICT DO NOTHING` for a cursor at 0, an
 * `UPDATE … WHERE seq = from` otherwise), so of concurrent movers from the
 * same seq exactly one changes a row.
 *
 * @module
 */
import { checkCursorMove, checkShipperName } from '../internal/cursor-advance.js'
import type { ShipperCursor, ShipperCursorStore } from '../shipper-cursor-store.js'
import type { PostgresConnection } from './postgres-connection.js'

type Row = { name: string; seq: string; updated_at: string }

/** The cursor store over a PostgreSQL connection. */
export function postgresShipperCursors(c: PostgresConnection): ShipperCursorStore {
  const t = `${c.s}.airlock_shipper_cursors`
  const get = `SELECT name, seq, updated_at FROM ${t} WHERE name = $1`
  const insert = `INSERT INTO ${t} (name, seq, updated_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING`
  const update = `UPDATE ${t} SET seq = $2, updated_at = $3 WHERE name = $1 AND seq = $4`
  const list = `SELECT name, seq, updated_at FROM ${t} ORDER BY name`
  return {
    async get(name) {
      checkShipperName(name)
      const [row] = await c.query<Row>('shipping.get', get, [name])
      return row ? toCursor(row) : { name, seq: 0, updated_at: null }
    },
    async advance(name, from, to, now) {
      const at = checkCursorMove(name, from, to, now)
      const changed =
        from === 0
          ? await c.count('shipping.advance', insert, [name, to, at])
          : await c.count('shipping.advance', update, [name, to, at, from])
      return changed === 1
    },
    async list() {
      return (await c.query<Row>('shipping.list', list)).map(toCursor)
    },
  }
}

function toCursor(row: Row): ShipperCursor {
  return { name: row.name, seq: Number(row.seq), updated_at: row.updated_at }
}
