/**
 * Reads one audit event by id, for one tenant: rollback and `GET
 * /audit/{id}` start from an event id the caller was given.
 *
 * @module
 */
import type { AuditEvent } from '../../audit/audit-event.js'
import { AirlockError } from '../../errors/airlock-error.js'
import { ErrorCode } from '../../errors/error-codes.js'
import type { Store } from '../../store/store.js'

const EVENT_ID = /^evt-[0-9a-f]{24}$/

/**
 * The event `id` of `tenant_id`.
 * @throws AirlockError `EVIDENCE_NOT_FOUND` when there is none, or it
 * belongs to another tenant (the two are told apart for nobody).
 */
export async function findAuditEvent(store: Store, tenant_id: string, id: string): Promise<AuditEvent> {
  const missing = () => new AirlockError(ErrorCode.EVIDENCE_NOT_FOUND, `No audit event '${id}'`)
  if (!EVENT_ID.test(id)) throw missing()
  let event: AuditEvent | undefined
  if (store.merkle) {
    // The tree indexes every event id by its position in the chain: one lookup, one read.
    const seq = await store.merkle.eventSeq(id)
    if (seq !== null) [event] = await store.audit.range(seq - 1, 1)
  } else {
    event = await scanFor(store, tenant_id, id)
  }
  if (!event || event.id !== id || event.tenant_id !== tenant_id) throw missing()
  return event
}

/** For a store without a Merkle index: the tenant's events, newest first. */
async function scanFor(store: Store, tenant_id: string, id: string): Promise<AuditEvent | undefined> {
  let cursor: string | null = null
  do {
    const page = await store.audit.list({ tenant_id }, 500, cursor)
    const found = page.items.find((event) => event.id === id)
    if (found) return found
    cursor = page.next_cursor
  } while (cursor !== null)
  return undefined
}
