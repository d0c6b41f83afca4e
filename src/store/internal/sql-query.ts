/**
 * The list queries both SQL backends run, built once with the dialect's
 * placeholder style: approvals by tenant (newest first) and audit events by
 * filter (newest first), each with a keyset cursor and one extra row fetched
 * to tell whether another page follows. A filtered audit page examines at
 * most `MAX_SCANNED_EVENTS` of its tenant's events and may come back short,
 * or empty, with a cursor to go on.
 *
 * @module
 */
import type { AuditEvent } from '../../audit/audit-event.js'
import type { Approval, ApprovalListOptions, AuditFilter, Page } from '../store.js'
import { type ApprovalRow, rowToApproval } from './approval-row.js'
import { AUDIT_BODY_FIELDS, AUDIT_EQUALITY_FIELDS, normaliseAuditFilter } from './audit-filter.js'
import { isWindowed, MAX_SCANNED_EVENTS, windowContinuation } from './audit-scan-window.js'
import { decodeCursor, encodeCursor } from './cursor.js'
import { checkLimit, MAX_LIST_LIMIT } from './limit.js'
import { type LinkedEvent, readEvent } from './link-batch.js'

/** The n-th (1-based) bind parameter: `?` in SQLite, `$n` in PostgreSQL. */
export type Placeholder = (index: number) => string

/** A query and its bind values. */
export interface SqlQuery {
  readonly sql: string
  readonly params: readonly unknown[]
}

/** A stored audit event as the list queries select it. */
export interface AuditRow {
  seq: string | number
  prev_hash: string
  hash: string
  body: string
}

/** WHERE conditions and their bind values, numbered as they are added. */
class Conditions {
  readonly where: string[] = []
  readonly params: unknown[] = []
  constructor(private readonly placeholder: Placeholder) {}

  /** Binds `value` and returns its placeholder. */
  bind(value: unknown): string {
    this.params.push(value)
    return this.placeholder(this.params.length)
  }

  add(condition: string): void {
    this.where.push(condition)
  }

  clause(): string {
    return this.where.length ? `WHERE ${this.where.join(' AND ')}` : ''
  }
}

/** A page of approvals for `tenant`, and how to read its rows back. */
export function approvalListQuery(
  table: string,
  tenant: string,
  options: ApprovalListOptions,
  placeholder: Placeholder,
): SqlQuery & { readPage(rows: readonly ApprovalRow[]): Page<Approval> } {
  const limit = checkLimit(options.limit, MAX_LIST_LIMIT)
  const filter = { tenant_id: tenant, status: options.status ?? null, requester: options.requester ?? null }
  const c = new Conditions(placeholder)
  c.add(`tenant_id = ${c.bind(tenant)}`)
  if (options.status !== undefined) c.add(`status = ${c.bind(options.status)}`)
  if (options.requester !== undefined) c.add(`requester = ${c.bind(options.requester)}`)
  if (options.cursor) {
    const [createdAt, id] = decodeCursor('approvals', filter, options.cursor, ['string', 'string'])
    c.add(`(created_at, id) < (${c.bind(createdAt)}, ${c.bind(id)})`)
  }
  const sql = `SELECT * FROM ${table} ${c.clause()}
    ORDER BY created_at DESC, id DESC LIMIT ${c.bind(limit + 1)}`
  const readPage = (rows: readonly ApprovalRow[]): Page<Approval> => {
    const items = rows.slice(0, limit).map(rowToApproval)
    const last = items.at(-1)
    const next_cursor =
      rows.length > limit && last ? encodeCursor('approvals', filter, [last.created_at, last.id]) : null
    return { items, next_cursor }
  }
  return { sql, params: c.params, readPage }
}

/** A page of audit events matching `filter`, and how to read its rows back. */
export function auditListQuery(
  table: string,
  filter: AuditFilter,
  limit: number,
  cursor: string | null | undefined,
  placeholder: Placeholder,
  /** The dialect's expression for a top-level field of the JSON body (filters not kept in columns). */
  bodyField: (field: string) => string,
  /** Where the scan starts: the answer to {@link auditWindowQuery}, or null when it returned no query. */
  windowFrom: number | null,
): SqlQuery & { readPage(rows: readonly AuditRow[]): Page<AuditEvent> } {
  checkLimit(limit, MAX_LIST_LIMIT)
  const clean = normaliseAuditFilter(filter)
  const c = new Conditions(placeholder)
  for (const field of AUDIT_EQUALITY_FIELDS) {
    if (clean[field] !== undefined) c.add(`${field} = ${c.bind(clean[field])}`)
  }
  for (const field of AUDIT_BODY_FIELDS) {
    if (clean[field] !== undefined) c.add(`${bodyField(field)} = ${c.bind(clean[field])}`)
  }
  if (clean.since !== undefined) c.add(`ts >= ${c.bind(clean.since)}`)
  if (clean.until !== undefined) c.add(`ts < ${c.bind(clean.until)}`)
  const before = cursor ? (decodeCursor('audit', clean, cursor, ['number'])[0] as number) : null
  if (before !== null) c.add(`seq < ${c.bind(before)}`)
  const from = isWindowed(clean) ? windowFrom : null
  if (from !== null) c.add(`seq >= ${c.bind(from)}`)
  const sql = `SELECT seq, prev_hash, hash, body FROM ${table}
    ${c.clause()} ORDER BY seq DESC LIMIT ${c.bind(limit + 1)}`
  const readPage = (rows: readonly AuditRow[]): Page<AuditEvent> => {
    const items = rows.slice(0, limit).map(readAuditRow)
    const last = items.at(-1)
    const next = rows.length > limit && last ? last.seq : windowContinuation(from)
    return { items, next_cursor: next === null ? null : encodeCursor('audit', clean, [next]) }
  }
  return { sql, params: c.params, readPage }
}

/**
 * For a filter that is windowed, the query for where its page's scan starts:
 * the seq of the `MAX_SCANNED_EVENTS`-th event of the filter's tenant below the
 * cursor (no row: start at 1). Null when the filter needs no window.
 * @remarks Answered from the `(tenant_id, seq)` index alone.
 */
export function auditWindowQuery(
  table: string,
  filter: AuditFilter,
  cursor: string | null | undefined,
  placeholder: Placeholder,
): SqlQuery | null {
  const clean = normaliseAuditFilter(filter)
  if (!isWindowed(clean)) return null
  const c = new Conditions(placeholder)
  if (clean.tenant_id !== undefined) c.add(`tenant_id = ${c.bind(clean.tenant_id)}`)
  if (cursor) c.add(`seq < ${c.bind(decodeCursor('audit', clean, cursor, ['number'])[0])}`)
  const sql = `SELECT seq FROM ${table} ${c.clause()}
    ORDER BY seq DESC LIMIT 1 OFFSET ${c.bind(MAX_SCANNED_EVENTS - 1)}`
  return { sql, params: c.params }
}

/** The event a stored row holds (its hash fields verified against its body). */
export function readAuditRow(row: AuditRow): AuditEvent {
  return readEvent(row.prev_hash, row.hash, row.body)
}

/** Columns of the audit events table, in the order {@link auditRowValues} gives them. */
export const AUDIT_COLUMNS =
  'seq, id, ts, tenant_id, request_id, status, action, actor, decision, approval_id, body, prev_hash, hash'

/** The values of one linked event, in {@link AUDIT_COLUMNS} order. */
export function auditRowValues({ event: e, body }: LinkedEvent): unknown[] {
  return [
    e.seq,
    e.id,
    e.ts,
    e.tenant_id,
    e.request_id,
    e.status,
    e.action,
    e.actor,
    e.decision,
    e.approval_id,
    body,
    e.prev_hash,
    e.hash,
  ]
}
