import { badRequest } from './store-error.js'

/** Largest page `list` returns. */
export const MAX_LIST_LIMIT = 1000
/** Largest batch `audit.range` returns. */
export const MAX_RANGE_LIMIT = 10_000

/** Rejects a limit that is not an integer in `1..max`. */
export function checkLimit(limit: number, max: number): number {
  if (!Number.isInteger(limit) || limit < 1 || limit > max) {
    throw badRequest(`limit must be an integer from 1 to ${max}, got ${String(limit)}`)
  }
  return limit
}

/** Rejects an `after` that is not a non-negative integer. */
export function checkAfter(after: number): number {
  if (!Number.isInteger(after) || after < 0) {
    throw badRequest(`after must be a non-negative integer seq, got ${String(after)}`)
  }
  return after
}
