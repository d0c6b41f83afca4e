import { badRequest } from './store-error.js'

// Times are compared as text in SQL, which is only correct when every stored
// time has the one shape `Date.prototype.toISOString()` produces.
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/

// The last times this normalised: a batch's ops mostly carry the same few
// (the gateway formats each millisecond once), already in normal form.
const recent: (string | undefined)[] = [undefined, undefined, undefined, undefined]
let slot = 0

/** Normalises an ISO-8601 time with an offset to `YYYY-MM-DDTHH:mm:ss.sssZ`; anything else is a BAD_REQUEST. */
export function isoTime(value: string, field: string): string {
  const known =
    typeof value === 'string' &&
    (value === recent[0] || value === recent[1] || value === recent[2] || value === recent[3])
  if (known) return value
  const normal = normalise(value, field)
  recent[slot] = normal
  slot = (slot + 1) & 3
  return normal
}

function normalise(value: string, field: string): string {
  const ms = typeof value === 'string' && ISO_TIME.test(value) ? Date.parse(value) : Number.NaN
  if (Number.isNaN(ms)) {
    throw badRequest(`${field} must be an ISO-8601 time with a UTC offset, got ${JSON.stringify(value)}`)
  }
  return new Date(ms).toISOString()
}
