/**
 * Audit rows as stored, for verification: the body text its hash covers and
 * the first indexed column that disagrees with that body.
 *
 * @module
 */
import type { AuditEvent } from '../../audit/audit-event.js'
import { forgedColumn } from '../../audit/verify-chain.js'
import type { AuditIndexedColumns, StoredAuditRow } from '../store.js'
import { INDEXED_COLUMNS, readColumnsRow } from './merkle-rows.js'

const COLUMN_NAMES = INDEXED_COLUMNS.split(', ') as (keyof AuditIndexedColumns)[]

/** SQLite's expression naming the first indexed column that differs from the body (see below). */
const SQLITE_FIRST_FORGED = `CASE
    WHEN json_valid(body) = 0 OR json_type(body) <> 'object' THEN 'body'
    ${COLUMN_NAMES.map((name) => `WHEN json_extract(body, '$.${name}') IS NOT ${name} THEN '${name}'`).join('\n    ')}
  END`

/**
 * SQLite's expression for {@link StoredAuditRow.forged}, compared inside the
 * database so verifying a row never parses its body in JavaScript.
 *
 * @remarks `json_valid` comes first: `json_extract` fails the whole query on
 * a body that is not JSON, where verification must report the row instead.
 * SQLite keeps the parsed body between the calls on one row.
 *
 * Every row first takes one `json_extract` of all the columns' paths,
 * compared with the same columns as a JSON array: equal texts decode to
 * equal values, so such a row is genuine, at about half the cost of ten
 * lookups. Only a row where the texts differ (a forged column, a body that
 * is not an object, or an equal value spelt differently) is checked column by
 * column, which names the column or clears the row exactly as before. A
 * column holding a BLOB never takes the short cut: `json_array` would render
 * a JSONB blob as the JSON it encodes (hiding a column that no longer equals
 * its text) and fail the whole query on any other blob.
 */
export const SQLITE_FORGED_COLUMN = `CASE
    WHEN json_valid(body)
      AND 'blob' NOT IN (${COLUMN_NAMES.map((name) => `typeof(${name})`).join(', ')})
      AND json_extract(body, ${COLUMN_NAMES.map((name) => `'$.${name}'`).join(', ')})
      IS json_array(${COLUMN_NAMES.join(', ')}) THEN NULL
    ELSE ${SQLITE_FIRST_FORGED}
  END`

/** A stored row read with its indexed columns, the forged column found in JavaScript (PostgreSQL). */
export function readStoredRowWithColumns(row: Record<string, unknown>): StoredAuditRow {
  const body = String(row.body)
  const stored = { seq: Number(row.seq), prev_hash: String(row.prev_hash), hash: String(row.hash), body }
  let parsed: unknown
  try {
    parsed = JSON.parse(body)
  } catch {
    return { ...stored, forged: 'body' }
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    return { ...stored, forged: 'body' }
  return { ...stored, forged: forgedColumn(parsed as AuditEvent, readColumnsRow(row)) }
}

/** Columns a PostgreSQL stored-range query selects for {@link readStoredRowWithColumns}. */
export const STORED_ROW_COLUMNS = `prev_hash, hash, body, ${INDEXED_COLUMNS}`
