/**
 * The audit chain of the in-memory store: events in an array, linked and
 * hashed exactly as the SQL stores link them.
 *
 * @module
 */
import type { AuditEvent, AuditEventInput } from '../../audit/audit-event.js'
import { AirlockError } from '../../errors/airlock-error.js'
import { ErrorCode } from '../../errors/error-codes.js'
import { matchesAuditFilter, normaliseAuditFilter } from '../internal/audit-filter.js'
import { isWindowed, windowContinuation, windowStart } from '../internal/audit-scan-window.js'
import { decodeCursor, encodeCursor } from '../internal/cursor.js'
import { checkAfter, checkLimit, MAX_LIST_LIMIT, MAX_RANGE_LIMIT } from '../internal/limit.js'
import { type ChainHead, EMPTY_HEAD, linkBatch } from '../internal/link-batch.js'
import type { AuditFilter, AuditStore } from '../store.js'
import { memoryAuditStats } from './memory-audit-stats.js'

/** Seqs below position `top`, newest first, of the events of `tenant` (of all when undefined). */
function* tenantSeqs(
  events: readonly AuditEvent[],
  top: number,
  tenant: string | undefined,
): Generator<number> {
  for (let i = top - 1; i >= 0; i--) if (tenant === undefined || events[i]!.tenant_id === tenant) yield i + 1
}

export function memoryAudit(): AuditStore {
  const events: AuditEvent[] = []
  const ids = new Set<string>()
  let head: ChainHead = EMPTY_HEAD
  return {
    async append(inputs: readonly AuditEventInput[]) {
      const linked = linkBatch(head, inputs)
      const batchIds = new Set<string>()
      for (const { event } of linked) {
        if (ids.has(event.id) || batchIds.has(event.id)) {
          throw new AirlockError(
            ErrorCode.STORE_ERROR,
            `memory store: audit event ${event.id} already exists`,
          )
        }
        batchIds.add(event.id)
      }
      // The stored copy is our own: a caller changing its inputs afterwards
      // must not change what was hashed.
      for (const { event } of linked) {
        events.push(structuredClone(event))
        ids.add(event.id)
      }
      const last = linked.at(-1)
      if (last) head = { seq: last.event.seq, hash: last.event.hash }
      return linked.map(({ event }) => event)
    },
    async list(filter: AuditFilter, limit: number, cursor?: string | null) {
      checkLimit(limit, MAX_LIST_LIMIT)
      const clean = normaliseAuditFilter(filter)
      const before = cursor ? (decodeCursor('audit', clean, cursor, ['number'])[0] as number) : null
      // events[i] holds seq i + 1.
      const top = Math.min(events.length, (before ?? Number.POSITIVE_INFINITY) - 1)
      // The same window as the SQL stores, so every backend pages a filter alike.
      const from = isWindowed(clean) ? windowStart(tenantSeqs(events, top, clean.tenant_id)) : null
      const items: AuditEvent[] = []
      let more = false
      for (let i = top - 1; i >= (from ?? 1) - 1; i--) {
        const event = events[i]!
        if (!matchesAuditFilter(event, clean)) continue
        if (items.length === limit) {
          more = true
          break
        }
        items.push(structuredClone(event))
      }
      const last = items.at(-1)
      const next = more && last ? last.seq : windowContinuation(from)
      return { items, next_cursor: next === null ? null : encodeCursor('audit', clean, [next]) }
    },
    async range(after, limit) {
      checkAfter(after)
      checkLimit(limit, MAX_RANGE_LIMIT)
      return events.slice(after, after + limit).map((e) => structuredClone(e))
    },
    async head() {
      return head.seq === 0 ? null : { ...head }
    },
    async stats(query) {
      return memoryAuditStats(events, query)
    },
  }
}
