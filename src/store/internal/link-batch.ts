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
    for (const field of REQUIRED_TEXT) {
      if (typeof input[field] !== 'string' || input[field] === '') {
        throw badRequest(`audit event ${index} in the batch: ${field} must be a non-empty string`)
      }
    }
    const seq = prev.seq + 1
    const filled: Record<string, unknown> = { ...input, seq }
    for (const field of NULLABLE) if (filled[field] === undefined) filled[field] = null
    delete filled.prev_hash
    delete filled.hash
    let body: string
    const info = { lossy: false }
    try {
      body = canonicalJson(filled, info)
    } catch (error) {
      throw badRequest(`audit event ${input.id} cannot be stored as JSON: ${(error as Error).message}`)
    }
    const hash = linkHash(prev.hash, body)
    // Parsing the body back costs more than hashing it, so it happens only
    // when canonicalisation changed something (a toJSON, a dropped member).
    const event = info.lossy
      ? readEvent(prev.hash, hash, body)
      : { ...(filled as Omit<AuditEvent, 'prev_hash' | 'hash'>), prev_hash: prev.hash, hash }
    prev = { seq, hash }
    return { event, body }
  })
}

/** Rebuilds an event from its stored columns. */
export function readEvent(prevHash: string, hash: string, body: string): AuditEvent {
  return { ...(JSON.parse(body) as Omit<AuditEvent, 'prev_hash' | 'hash'>), prev_hash: prevHash, hash }
}
