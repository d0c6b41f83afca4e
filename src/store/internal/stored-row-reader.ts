/**
 * Which indexed column of a stored row disagrees with its body, found
 * without parsing the body when it is canonical (PostgreSQL).
 *
 * @module
 */
import { bytesAre, findMembers, MemberSpans } from '../../audit/canonical-members.js'
import type { AuditIndexedColumns, StoredAuditRow } from '../store.js'
import { INDEXED_COLUMNS, readColumnsRow } from './merkle-rows.js'
import { readStoredRowWithColumns } from './stored-audit-row.js'

const COLUMN_NAMES = INDEXED_COLUMNS.split(', ') as (keyof AuditIndexedColumns)[]

/** Where the indexed keys sit among a layout's members (-1: absent). */
interface ColumnLayout {
  readonly version: number
  readonly at: Int32Array
}

/**
 * Reads stored rows for verification. A body that is canonical JSON (as
 * the writer stores it) is walked, not parsed: each indexed key's value
 * text is compared with its column, written as the column's value would
 * be. Equal texts mean equal values, so such a row is genuine. Any other
 * row (a body laid out otherwise, a value spelt otherwise, a forged column)
 * is decided by parsing it, exactly as before.
 *
 * @remarks Parsing every body was most of a PostgreSQL verification's CPU,
 * with the garbage collection of the objects it built.
 */
export class StoredRowReader {
  private readonly spans = new MemberSpans()
  private layout: ColumnLayout = { version: -1, at: new Int32Array(0) }
  private scratch = Buffer.allocUnsafe(8192)

  /** A row selected with its indexed columns (`STORED_ROW_COLUMNS`). */
  read(row: Record<string, unknown>): StoredAuditRow {
    const body = String(row.body)
    const columns = readColumnsRow(row)
    if (!this.matches(body, columns)) return readStoredRowWithColumns(row)
    return { seq: columns.seq, prev_hash: String(row.prev_hash), hash: String(row.hash), body, forged: null }
  }

  /** Whether the body is canonical and each indexed key's value in it is written as its column holds it. */
  private matches(body: string, columns: AuditIndexedColumns): boolean {
    if (this.scratch.length < 3 * body.length) this.scratch = Buffer.allocUnsafe(6 * body.length)
    const bytes = this.scratch
    const end = bytes.write(body, 0)
    const spans = this.spans
    if (!findMembers(bytes, 0, end, spans)) return false
    const at = this.columnsAt()
    for (let k = 0; k < at.length; k++) {
      const n = at[k]!
      const column = columns[COLUMN_NAMES[k]!]
      if (n < 0 ? column !== null : !writtenAs(bytes, spans.valueStart[n]!, spans.valueEnd[n]!, column))
        return false
    }
    return true
  }

  // Keys are distinct in a canonical body: each is found once per layout.
  private columnsAt(): Int32Array {
    const { spans } = this
    if (this.layout.version !== spans.version) {
      this.layout = {
        version: spans.version,
        at: Int32Array.from(COLUMN_NAMES, (name) => spans.names.indexOf(name)),
      }
    }
    return this.layout.at
  }
}

/**
 * Whether `bytes[from, to)` is how canonical JSON writes a column's value:
 * `null`, an integer's digits, or a string in quotes without escapes. False
 * for anything else, equal or not: the caller then parses.
 */
function writtenAs(bytes: Buffer, from: number, to: number, column: unknown): boolean {
  if (column === null) return to - from === 4 && bytes[from] === 0x6e
  if (typeof column === 'number') return bytesAre(bytes, from, to, String(column))
  if (typeof column !== 'string' || bytes[from] !== 0x22) return false
  for (let i = from + 1; i < to - 1; i++) if (bytes[i] === 0x5c) return false
  // ASCII text compares a byte per character; other text is decoded (the bytes are UTF-8).
  return bytesAre(bytes, from + 1, to - 1, column) || bytes.toString('utf8', from + 1, to - 1) === column
}
