/**
 * A freeze as its SQL row holds it (one row per freeze; `value` is null for
 * a freeze of everything), shared by the SQLite and PostgreSQL stores.
 *
 * @module
 */
import type { Freeze, FreezeScope } from '../freeze-store.js'

export interface FreezeRow {
  readonly id: string
  readonly kind: string
  readonly value: string | null
  readonly reason: string
  readonly created_by: string
  readonly created_at: string
  readonly lifted_by: string | null
  readonly lifted_at: string | null
}

/** The columns of a row, in insert order. */
export const FREEZE_COLUMNS = 'id, kind, value, reason, created_by, created_at, lifted_by, lifted_at'

function scopeOf(row: FreezeRow): FreezeScope {
  if (row.kind === 'all') return { kind: 'all' }
  if (row.kind === 'agent' || row.kind === 'action' || row.kind === 'tenant') {
    return { kind: row.kind, value: row.value ?? '' }
  }
  throw new Error(`Unknown freeze kind '${row.kind}' in row ${row.id}`)
}

export function freezeFromRow(row: FreezeRow): Freeze {
  return {
    id: row.id,
    scope: scopeOf(row),
    reason: row.reason,
    created_by: row.created_by,
    created_at: row.created_at,
    lifted_by: row.lifted_by,
    lifted_at: row.lifted_at,
  }
}

/** Insert values of a new freeze, in {@link FREEZE_COLUMNS} order (without the two lift columns). */
export function freezeValues(freeze: Freeze): unknown[] {
  const value = freeze.scope.kind === 'all' ? null : freeze.scope.value
  return [freeze.id, freeze.scope.kind, value, freeze.reason, freeze.created_by, freeze.created_at]
}
