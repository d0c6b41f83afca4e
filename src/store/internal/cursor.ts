import { createHash } from 'node:crypto'
import { canonicalJson } from '../../audit/canonical-json.js'
import { badRequest } from './store-error.js'

/**
 * Opaque page cursors: base64url of `[kind, filterTag, ...position]`.
 *
 * @remarks The filter tag binds a cursor to the query that issued it, so a
 * cursor replayed against another filter (or tenant) is refused instead of
 * silently skipping or repeating rows.
 */
export type CursorPosition = readonly (string | number)[]

function filterTag(filter: unknown): string {
  return createHash('sha256').update(canonicalJson(filter)).digest('base64url').slice(0, 12)
}

/** Encodes a cursor of `kind` for `filter` at `position`. */
export function encodeCursor(kind: string, filter: unknown, position: CursorPosition): string {
  return Buffer.from(JSON.stringify([kind, filterTag(filter), ...position]), 'utf8').toString('base64url')
}

/**
 * Decodes a cursor made by {@link encodeCursor} with the same kind and filter,
 * checking each position element's type against `shape`.
 */
export function decodeCursor(
  kind: string,
  filter: unknown,
  cursor: string,
  shape: readonly ('string' | 'number')[],
): CursorPosition {
  const malformed = () =>
    badRequest(`invalid cursor ${JSON.stringify(cursor)}: pass the next_cursor of a previous ${kind} page`)
  if (typeof cursor !== 'string' || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw malformed()
  let decoded: unknown
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
  } catch {
    throw malformed()
  }
  if (!Array.isArray(decoded) || decoded.length !== shape.length + 2 || decoded[0] !== kind) throw malformed()
  const position = decoded.slice(2) as unknown[]
  shape.forEach((type, i) => {
    const value = position[i]
    if (typeof value !== type || (type === 'number' && !Number.isSafeInteger(value))) throw malformed()
  })
  if (decoded[1] !== filterTag(filter)) {
    throw badRequest(
      `invalid cursor: it was issued for a different ${kind} filter; start again without a cursor`,
    )
  }
  return position as CursorPosition
}
