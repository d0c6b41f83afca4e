/**
 * The shape of an audit event read from a file: each field present with the
 * type the chain gives it. Whether the content is genuine is the hash chain's
 * job, so unknown extra fields are allowed here (and fail the hash).
 *
 * @remarks Checked by hand rather than with a schema library: it runs for
 * every line of a file being verified, and keeps `airlock audit verify` from
 * loading one.
 *
 * @module
 */

import { AUDIT_NULLABLE_TEXT_FIELDS, AUDIT_TEXT_FIELDS } from './audit-event.js'

/** Why a field is not of its type, or null. */
type FieldCheck = (value: unknown) => string | null

const text: FieldCheck = (value) => (typeof value === 'string' ? null : 'expected a string')
const nullableText: FieldCheck = (value) =>
  value === null || typeof value === 'string' ? null : 'expected a string or null'

const hex64: FieldCheck = (value) => {
  if (typeof value !== 'string') return 'expected a string'
  return isHex64(value) ? null : 'expected 64 lower-case hex characters'
}

/** Whether a text is 64 lower-case hex digits (a hash). A loop: a regular expression costs several times as much. */
export function isHex64(value: string): boolean {
  if (value.length !== 64) return false
  for (let i = 0; i < 64; i++) {
    const c = value.charCodeAt(i)
    if (!((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66))) return false
  }
  return true
}

const seq: FieldCheck = (value) => {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) return 'expected a whole number'
  return value > 0 ? null : 'expected a number ≥ 1'
}

const record: FieldCheck = (value) =>
  value === null || (typeof value === 'object' && !Array.isArray(value)) ? null : 'expected an object or null'

/** In the order a problem is reported: the first field that fails is named. */
const FIELDS: readonly (readonly [string, FieldCheck])[] = [
  ['seq', seq],
  ['prev_hash', hex64],
  ['hash', hex64],
  ...AUDIT_TEXT_FIELDS.map((name) => [name, text] as const),
  ...AUDIT_NULLABLE_TEXT_FIELDS.map((name) => [name, nullableText] as const),
  ['context', record],
]

/** The first problem with an event's shape, as `missing field "x"` or `field "x": …`, or null. */
export function auditEventShapeProblem(value: Readonly<Record<string, unknown>>): string | null {
  for (const [name, check] of FIELDS) {
    const field = value[name]
    if (field === undefined) return `missing field "${name}"`
    const problem = check(field)
    if (problem !== null) return `field "${name}": ${problem}`
  }
  return null
}

const CHECKS: ReadonlyMap<string, FieldCheck> = new Map(FIELDS)

/**
 * Whether an event's members, given as distinct keys and their values,
 * have every field with its type: the same answer as
 * `auditEventShapeProblem(…) === null` on the object they make.
 */
export function hasAuditEventShape(keys: readonly string[], values: readonly unknown[]): boolean {
  let found = 0
  for (let i = 0; i < keys.length; i++) {
    const check = CHECKS.get(keys[i]!)
    if (check === undefined) continue
    if (check(values[i]) !== null) return false
    found++
  }
  return found === CHECKS.size
}
