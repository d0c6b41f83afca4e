/**
 * The audit chain in PostgreSQL.
 *
 * @remarks Concurrency contract, across any number of replicas: `append`
 * is a batch of appends (`postgres-batch.ts`): the one-row chain head
 * advances in the same transaction that inserts the events, and only from
 * the head the events were linked onto, so appends are serialised: each
 * batch links to the head the previous one left, sequence numbers have no
 * gaps or duplicates, and the chain never forks. A batch is all-or-nothing
 * and committed when `append` returns. This module keeps the locked form of
 * the append (`appendInTransaction`: `SELECT … FOR UPDATE` on the head, one
 * insert, the head moved) and the reads.
 *
 * @module
 */
import type { AuditEvent, AuditEventInput } from '../../audit/audit-event.js'
import { AirlockError } from '../../errors/airlock-error.js'
import { ErrorCode } from '../../errors/error-codes.js'
import { checkAfter, checkLimit, MAX_RANGE_LIMIT } from '../internal/limit.js'
import { linkBatch } from '../internal/link-batch.js'
import {
  AUDIT_COLUMNS,
  type AuditRow,
  auditListQuery,
  auditRowValues,
  auditWindowQuery,
  readAuditRow,
} from '../internal/sql-query.js'
import { STORED_ROW_COLUMNS } from '../internal/stored-audit-row.js'
import { StoredRowReader } from '../internal/stored-row-reader.js'
import type { AuditStore } from '../store.js'
import { postgresAuditStats } from './postgres-audit-stats.js'
import type { PostgresConnection } from './postgres-connection.js'
import type { PostgresPoolClient } from './postgres-store-config.js'

const COLUMN_COUNT = 13

function statements(s: string) {
  return {
    events: `${s}.airlock_audit_events`,
    lockHead: `SELECT seq, hash FROM ${s}.airlock_audit_head WHERE id = 1 FOR UPDATE`,
    head: `SELECT seq, hash FROM ${s}.airlock_audit_head WHERE id = 1`,
    // One round trip for the batch: the columns arrive as arrays, and the head
    // advances only if every row went in.
    append: `WITH inserted AS (
        INSERT INTO ${s}.airlock_audit_events (${AUDIT_COLUMNS})
        SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
          $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[])
        RETURNING 1
      )
      UPDATE ${s}.airlock_audit_head SET seq = $14, hash = $15
      WHERE id = 1 AND (SELECT count(*) FROM inserted) = $16`,
    range: `SELECT seq, prev_hash, hash, body FROM ${s}.airlock_audit_events WHERE seq > $1 ORDER BY seq LIMIT $2`,
    storedRange: `SELECT ${STORED_ROW_COLUMNS} FROM ${s}.airlock_audit_events WHERE seq > $1 ORDER BY seq LIMIT $2`,
  }
}

type Sql = ReturnType<typeof statements>

/** The append's statements, for a caller inside a transaction on `client`; `s` is the quoted schema. */
export function appendInTransaction(
  client: PostgresPoolClient,
  s: string,
  inputs: readonly AuditEventInput[],
): Promise<readonly AuditEvent[]> {
  return appendWith(client, statements(s), inputs)
}

async function appendWith(
  client: PostgresPoolClient,
  sql: Sql,
  inputs: readonly AuditEventInput[],
): Promise<readonly AuditEvent[]> {
  if (inputs.length === 0) return []
  const [head] = (await client.query<{ seq: string; hash: string }>(sql.lockHead)).rows
  if (!head) throw new AirlockError(ErrorCode.STORE_ERROR, 'postgres store: the audit head row is missing')
  const linked = linkBatch({ seq: Number(head.seq), hash: head.hash }, inputs)
  const columns: unknown[][] = Array.from({ length: COLUMN_COUNT }, () => [])
  for (const l of linked) {
    auditRowValues(l).forEach((v, i) => {
      columns[i]!.push(v)
    })
  }
  const last = linked.at(-1)!.event
  const result = await client.query(sql.append, [...columns, last.seq, last.hash, linked.length])
  if (result.rowCount !== 1) {
    throw new AirlockError(ErrorCode.STORE_ERROR, 'postgres store: the audit head did not advance')
  }
  return linked.map((l) => l.event)
}

/** The audit store over a PostgreSQL connection; `append` is the store's batch of appends. */
export function postgresAudit(
  c: PostgresConnection,
  append: (inputs: readonly AuditEventInput[]) => Promise<readonly AuditEvent[]>,
): AuditStore {
  const sql = statements(c.s)
  // Made on the first verification: a gateway that never verifies keeps none.
  let reader: StoredRowReader | undefined
  const head = async () => {
    const [row] = await c.query<{ seq: string; hash: string }>('audit.head', sql.head)
    return row && Number(row.seq) > 0 ? { seq: Number(row.seq), hash: row.hash } : null
  }
  return {
    append,
    async list(filter, limit, cursor) {
      const window = auditWindowQuery(sql.events, filter, cursor, (i) => `$${i}`)
      const from =
        window === null
          ? null
          : Number(
              (await c.query<{ seq: string }>('audit.window', window.sql, [...window.params]))[0]?.seq ?? 1,
            )
      const q = auditListQuery(
        sql.events,
        filter,
        limit,
        cursor,
        (i) => `$${i}`,
        (f) => `(body::jsonb) ->> '${f}'`,
        from,
      )
      return q.readPage(await c.query<AuditRow>('audit.list', q.sql, [...q.params]))
    },
    async range(after, limit) {
      checkAfter(after)
      checkLimit(limit, MAX_RANGE_LIMIT)
      return (await c.query<AuditRow>('audit.range', sql.range, [after, limit])).map(readAuditRow)
    },
    async storedRange(after, limit) {
      checkAfter(after)
      checkLimit(limit, MAX_RANGE_LIMIT)
      const rows = await c.query<Record<string, unknown>>('audit.storedRange', sql.storedRange, [
        after,
        limit,
      ])
      reader ??= new StoredRowReader()
      const read = reader
      return rows.map((row) => read.read(row))
    },
    head,
    async stats(statsQuery) {
      return postgresAuditStats((text, values) => c.query('audit.stats', text, [...values]), c.s, statsQuery)
    },
  }
}
