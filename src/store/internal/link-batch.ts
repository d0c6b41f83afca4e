import {
  AUDIT_JSON_FIELDS,
  AUDIT_NULLABLE_TEXT_FIELDS,
  AUDIT_TEXT_FIELDS,
  type AuditEvent,
  type AuditEventInput,
} from '../../audit/audit-event.js'
import { canonicalJson } from '../../audit/canonical-json.js'
import { GENESIS_HASH, linkHash } from '../../audit/hash-chain.js'
import { badRequest } from './store-error.js'

/** The chain's last link; `seq` 0 with the genesis hash for an empty chain. */
export interface ChainHead {
  readonly seq: number
  readonly hash: string
}

/** The head of a chain with no events. */
export const EMPTY_HEAD: ChainHead = { seq: 0, hash: GENESIS_HASH }

/** One event ready to insert: the event as it will read back, and its stored body. */
export interface LinkedEvent {
  readonly event: AuditEvent
  /** Canonical JSON of the event without `prev_hash` and `hash`: exactly the text its hash covers. */
  readonly body: string
}

const REQUIRED_TEXT = AUDIT_TEXT_FIELDS
// Text stored in indexed columns as well as in the body. PostgreSQL text
// cannot hold NUL, and would store an unpaired surrogate as U+FFFD, so the
// column would no longer match the hashed body: refused on every store alike.
const COLUMN_TEXT = [...AUDIT_TEXT_FIELDS, 'decision', 'approval_id'] as const
const UNSTORABLE = /[\u0000\p{Cs}]/u
const NULLABLE = [...AUDIT_NULLABLE_TEXT_FIELDS, ...AUDIT_JSON_FIELDS] as const

/**
 * Assigns `seq`, `prev_hash` and `hash` to a batch following `head`.
 *
 * @remarks Each event is first reduced to the JSON it will be stored as
 * (absent nullable fields become `null`, values pass through canonical
 * JSON), and the hash is computed over that form. What a store reads back is
 * therefore exactly what was hashed, so verification never fails on a
 * representation detail. The stored body is the very canonical text the
 * hash covers — `chainHash(prev_hash, body)` spelled out — so each event is
 * canonicalised once.
 */
export function linkBatch(head: ChainHead, inputs: readonly AuditEventInput[]): LinkedEvent[] {
  let prev = head
  return inputs.map((input, index) => {
    const seq = prev.seq + 1
    const { filled, body, lossy } = fill(input, index, seq)
    const hash = linkHash(prev.hash, body)
    const event = linkedEvent(filled, lossy, body, seq, prev.hash, hash)
    prev = { seq, hash }
    return { event, body }
  })
}

/** An event's stored form with `seq`, and its canonical body; `lossy` when canonicalisation changed something. */
function fill(
  input: AuditEventInput,
  index: number,
  seq: number,
): { filled: Record<string, unknown>; body: string; lossy: boolean } {
  const filled = stored(input, index)
  filled.seq = seq
  const info = { lossy: false }
  return { filled, body: canonical(input, filled, info), lossy: info.lossy }
}

/** The event as it will be stored, without `seq`, `prev_hash` and `hash`; checked. */
function stored(input: AuditEventInput, index: number): Record<string, unknown> {
  for (const field of REQUIRED_TEXT) {
    if (typeof input[field] !== 'string' || input[field] === '') {
      throw badRequest(`audit event ${index} in the batch: ${field} must be a non-empty string`)
    }
  }
  for (const field of COLUMN_TEXT) {
    const value = input[field]
    if (typeof value === 'string' && UNSTORABLE.test(value)) {
      throw badRequest(
        `audit event ${index} in the batch: ${field} holds a NUL or an unpaired surrogate, which its indexed column cannot store`,
      )
    }
  }
  // A top-level toJSON would replace the whole stored body, and could make it something other than an event.
  if (typeof (input as { toJSON?: unknown }).toJSON === 'function') {
    throw badRequest(`audit event ${index} in the batch: must be a plain object, without a toJSON method`)
  }
  const filled: Record<string, unknown> = { ...input }
  for (const field of NULLABLE) if (filled[field] === undefined) filled[field] = null
  delete filled.seq
  delete filled.prev_hash
  delete filled.hash
  return filled
}

/**
 * How deep a stored event's containers may nest below the event's own
 * object: 1,000 levels in all. SQLite's JSON functions read no deeper, so a
 * deeper event would be stored, then read back by verification as a body
 * that is not JSON (tampered). Every store refuses it alike.
 */
const EVENT_MAX_DEPTH = 999

function canonical(input: AuditEventInput, value: Record<string, unknown>, info: { lossy: boolean }): string {
  try {
    return canonicalJson(value, info, EVENT_MAX_DEPTH)
  } catch (error) {
    throw badRequest(`audit event ${input.id} cannot be stored as JSON: ${(error as Error).message}`)
  }
}

// Parsing the body back costs more than hashing it, so it happens only when
// canonicalisation changed something (a toJSON, a dropped member).
function linkedEvent(
  filled: Record<string, unknown>,
  lossy: boolean,
  body: string,
  seq: number,
  prevHash: string,
  hash: string,
): AuditEvent {
  return lossy
    ? readEvent(prevHash, hash, body)
    : { ...(filled as Omit<AuditEvent, 'prev_hash' | 'hash'>), seq, prev_hash: prevHash, hash }
}

/**
 * An event to be linked where its `seq` is known only later (inside the
 * database): its canonical body as the text before and after the `seq`
 * value, so the body is `pre + String(seq) + post`, exactly the text
 * {@link linkBatch} hashes. The event's top-level keys are fixed ASCII
 * names, so the members sorting before and after `"seq"` are the body's
 * two halves.
 */
export interface UnlinkedEvent {
  readonly input: AuditEventInput
  readonly pre: string
  readonly post: string
  /** The event once the database chose `seq` and linked it after `prevHash` with `hash`. */
  linked(seq: number, prevHash: string, hash: string): AuditEvent
}

/** Splits each event's canonical body around its `seq`, checking it as {@link linkBatch} does. */
export function unlinkedEvents(inputs: readonly AuditEventInput[]): UnlinkedEvent[] {
  return inputs.map((input, index) => {
    const filled = stored(input, index)
    // Without a prototype, an own `__proto__` key is kept as a member, as canonical JSON of the whole keeps it.
    const before: Record<string, unknown> = Object.create(null)
    const after: Record<string, unknown> = Object.create(null)
    for (const key of Object.keys(filled)) (key < 'seq' ? before : after)[key] = filled[key]
    const info = { lossy: false }
    const head = canonical(input, before, info)
    const tail = canonical(input, after, info)
    const lossy = info.lossy
    const pre = head === '{}' ? '{"seq":' : `${head.slice(0, -1)},"seq":`
    const post = tail === '{}' ? '}' : `,${tail.slice(1)}`
    return {
      input,
      pre,
      post,
      linked: (seq, prevHash, hash) => linkedEvent(filled, lossy, `${pre}${seq}${post}`, seq, prevHash, hash),
    }
  })
}

/** Rebuilds an event from its stored columns. */
export function readEvent(prevHash: string, hash: string, body: string): AuditEvent {
  return { ...(JSON.parse(body) as Omit<AuditEvent, 'prev_hash' | 'hash'>), prev_hash: prevHash, hash }
}
