/**
 * The PostgreSQL {@link Store}: shared state for any number of gateway
 * replicas.
 *
 * @remarks Single transitions are single statements (`INSERT ... ON
 * CONFLICT`, conditional `UPDATE ... RETURNING`). Approval votes lock the
 * approval row (`SELECT ... FOR UPDATE`) for the read-and-decide; audit
 * appends lock the one-row chain head, so appends from every process are
 * serialised and the chain never forks. Migrations hold a transaction-scoped
 * advisory lock, so replicas may all migrate at start-up.
 *
 * @module
 */
import { createRequire } from 'node:module'
import type { AuditEventInput } from '../../audit/audit-event.js'
import { AirlockError } from '../../errors/airlock-error.js'
import { ErrorCode } from '../../errors/error-codes.js'
import {
  APPROVAL_COLUMNS,
  type ApprovalRow,
  approvalToRow,
  newApproval,
  rowToApproval,
} from '../internal/approval-row.js'
import { AUDIT_BODY_FIELDS, AUDIT_EQUALITY_FIELDS, normaliseAuditFilter } from '../internal/audit-filter.js'
import { castVote, normaliseVote } from '../internal/cast-vote.js'
import { decodeCursor, encodeCursor } from '../internal/cursor.js'
import { isoTime } from '../internal/iso-time.js'
import { checkAfter, checkLimit, MAX_LIST_LIMIT, MAX_RANGE_LIMIT } from '../internal/limit.js'
import { linkBatch, readEvent } from '../internal/link-batch.js'
import { badRequest, storeError } from '../internal/store-error.js'
import type {
  ApprovalStore,
  ApprovalVote,
  AuditStore,
  ClaimResult,
  IdempotencyStore,
  NonceStore,
  Store,
  VoteResult,
} from '../store.js'
import { POSTGRES_MIGRATIONS } from './migrations.js'
import { postgresAuditStats } from './postgres-audit-stats.js'
import type { PostgresPool, PostgresPoolClient, PostgresStoreConfig } from './postgres-store-config.js'

interface AuditRow {
  seq: string | number
  prev_hash: string
  hash: string
  body: string
}

interface IdempotencyRow {
  fingerprint: string
  state: 'in_flight' | 'completed'
  outcome: string | null
}

const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/

function quoteSchema(schema: string): string {
  if (typeof schema !== 'string' || !SCHEMA_NAME.test(schema)) {
    throw new AirlockError(
      ErrorCode.CONFIG_INVALID,
      `postgresStore: schema must be a plain identifier (letters, digits, _; at most 63), got ${JSON.stringify(schema)}`,
    )
  }
  return `"${schema}"`
}

function makePool(connectionString: string, max: number | undefined): PostgresPool {
  let Pool: new (config: { connectionString: string; max?: number }) => PostgresPool
  try {
    // Loaded only when the store makes its own pool, so importing this
    // module never requires the driver.
    Pool = (createRequire(import.meta.url)('pg') as { Pool: typeof Pool }).Pool
  } catch (error) {
    throw new AirlockError(
      ErrorCode.CONFIG_INVALID,
      'postgresStore({ connectionString }) needs the pg package: npm install pg',
      { cause: error },
    )
  }
  return new Pool(max === undefined ? { connectionString } : { connectionString, max })
}

function sqlState(error: unknown): string | undefined {
  return (error as { code?: string } | null)?.code
}

/**
 * Creates a store over a PostgreSQL pool.
 *
 * @example
 * ```ts
 * const store = postgresStore({ pool: new pg.Pool({ connectionString }) })
 * await store.migrate()
 * ```
 */
export function postgresStore(config: PostgresStoreConfig): Store {
  const schemaName = config.schema ?? 'public'
  const s = quoteSchema(schemaName)
  const owned = 'connectionString' in config
  const pool = 'pool' in config ? config.pool : makePool(config.connectionString, config.max)

  const fail = (operation: string, error: unknown): AirlockError => {
    const wrapped = storeError('postgres', operation, error)
    if (sqlState(error) === '42P01') {
      return new AirlockError(ErrorCode.STORE_ERROR, `${wrapped.message} (run store.migrate() first)`, {
        cause: error,
      })
    }
    return wrapped
  }

  const query = async <R>(operation: string, text: string, values: unknown[] = []): Promise<R[]> => {
    try {
      return (await pool.query<R>(text, values)).rows
    } catch (error) {
      throw fail(operation, error)
    }
  }

  const count = async (operation: string, text: string, values: unknown[]): Promise<number> => {
    try {
      return (await pool.query(text, values)).rowCount ?? 0
    } catch (error) {
      throw fail(operation, error)
    }
  }

  const transaction = async <T>(
    operation: string,
    fn: (client: PostgresPoolClient) => Promise<T>,
  ): Promise<T> => {
    let client: PostgresPoolClient
    try {
      client = await pool.connect()
    } catch (error) {
      throw fail(operation, error)
    }
    try {
      await client.query('BEGIN')
      const result = await fn(client)
      await client.query('COMMIT')
      client.release()
      return result
    } catch (error) {
      try {
        await client.query('ROLLBACK')
        client.release()
      } catch (rollbackError) {
        // A connection that cannot roll back must not go back to the pool.
        client.release(rollbackError instanceof Error ? rollbackError : true)
      }
      throw fail(operation, error)
    }
  }

  const selectApproval = `SELECT * FROM ${s}.airlock_approvals WHERE tenant_id = $1 AND id = $2`
  const claimSql = `INSERT INTO ${s}.airlock_idempotency AS i
      (tenant_id, action, idem_key, fingerprint, owner, state, lease_until, outcome, expires_at, recovered)
    VALUES ($1, $2, $3, $4, $5, 'in_flight', $6, NULL, NULL, 0)
    ON CONFLICT (tenant_id, action, idem_key) DO UPDATE SET
      fingerprint = excluded.fingerprint, owner = excluded.owner, state = 'in_flight',
      lease_until = excluded.lease_until, outcome = NULL, expires_at = NULL,
      recovered = CASE WHEN i.state = 'in_flight' THEN 1 ELSE 0 END
    WHERE (i.state = 'in_flight' AND i.lease_until <= $7 AND i.fingerprint = excluded.fingerprint)
       OR (i.state = 'completed' AND i.expires_at <= $7)
    RETURNING recovered`
  const scopeWhere = 'tenant_id = $1 AND action = $2 AND idem_key = $3'

  async function decide(
    operation: string,
    tenant: string,
    id: string,
    kind: 'approve' | 'reject',
    vote: ApprovalVote,
    now: string,
  ): Promise<VoteResult> {
    const cleanVote = normaliseVote(vote)
    const at = isoTime(now, 'now')
    return transaction(operation, async (client) => {
      const { rows } = await client.query<ApprovalRow>(`${selectApproval} FOR UPDATE`, [tenant, id])
      const row = rows[0]
      if (!row) return { kind: 'not_found' }
      const effect = castVote(rowToApproval(row), kind, cleanVote, at)
      if (effect.next) {
        const n = effect.next
        await client.query(
          `UPDATE ${s}.airlock_approvals SET status = $1, votes = $2, decided_by = $3, comment = $4, decided_at = $5
            WHERE id = $6 AND status = 'pending'`,
          [n.status, JSON.stringify(n.votes), n.decided_by, n.comment, n.decided_at, n.id],
        )
      }
      return effect.result
    })
  }

  const approvals: ApprovalStore = {
    async create(input) {
      const approval = newApproval(input)
      const row = approvalToRow(approval)
      try {
        await pool.query(
          `INSERT INTO ${s}.airlock_approvals (${APPROVAL_COLUMNS.join(', ')})
            VALUES (${APPROVAL_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')})`,
          APPROVAL_COLUMNS.map((c) => row[c]),
        )
      } catch (error) {
        if (sqlState(error) === '23505') {
          throw new AirlockError(ErrorCode.INTERNAL, `approval ${approval.id} already exists`, {
            cause: error,
          })
        }
        throw fail('approvals.create', error)
      }
      return approval
    },
    async get(tenant, id) {
      const [row] = await query<ApprovalRow>('approvals.get', selectApproval, [tenant, id])
      return row ? rowToApproval(row) : null
    },
    async list(tenant, options) {
      const limit = checkLimit(options.limit, MAX_LIST_LIMIT)
      const filter = { tenant_id: tenant, status: options.status ?? null }
      const params: unknown[] = [tenant]
      const where = ['tenant_id = $1']
      if (options.status !== undefined) {
        params.push(options.status)
        where.push(`status = $${params.length}`)
      }
      if (options.cursor) {
        const [createdAt, id] = decodeCursor('approvals', filter, options.cursor, ['string', 'string'])
        params.push(createdAt, id)
        where.push(`(created_at, id) < ($${params.length - 1}, $${params.length})`)
      }
      params.push(limit + 1)
      const rows = await query<ApprovalRow>(
        'approvals.list',
        `SELECT * FROM ${s}.airlock_approvals WHERE ${where.join(' AND ')}
          ORDER BY created_at DESC, id DESC LIMIT $${params.length}`,
        params,
      )
      const items = rows.slice(0, limit).map(rowToApproval)
      const last = items.at(-1)
      const next_cursor =
        rows.length > limit && last ? encodeCursor('approvals', filter, [last.created_at, last.id]) : null
      return { items, next_cursor }
    },
    approve: (tenant, id, vote, now) => decide('approvals.approve', tenant, id, 'approve', vote, now),
    reject: (tenant, id, vote, now) => decide('approvals.reject', tenant, id, 'reject', vote, now),
    async startExecution(tenant, id, now) {
      isoTime(now, 'now')
      const [row] = await query<ApprovalRow>(
        'approvals.startExecution',
        `UPDATE ${s}.airlock_approvals SET status = 'executing'
          WHERE tenant_id = $1 AND id = $2 AND status = 'approved' RETURNING *`,
        [tenant, id],
      )
      return row ? rowToApproval(row) : null
    },
    async expireOne(tenant, id, now) {
      const at = isoTime(now, 'now')
      const [row] = await query<ApprovalRow>(
        'approvals.expireOne',
        `UPDATE ${s}.airlock_approvals SET status = 'expired', decided_at = $1
          WHERE tenant_id = $2 AND id = $3 AND status = 'pending' RETURNING *`,
        [at, tenant, id],
      )
      return row ? rowToApproval(row) : null
    },
    async complete(tenant, id, status, outcome, now) {
      const at = isoTime(now, 'now')
      if (status !== 'executed' && status !== 'failed')
        throw badRequest(`cannot complete as ${String(status)}`)
      const [row] = await query<ApprovalRow>(
        'approvals.complete',
        `UPDATE ${s}.airlock_approvals SET status = $1, outcome = $2, completed_at = $3
          WHERE tenant_id = $4 AND id = $5 AND status IN ('approved', 'executing') RETURNING *`,
        [status, JSON.stringify(outcome ?? null), at, tenant, id],
      )
      return row ? rowToApproval(row) : null
    },
    async expire(now) {
      const at = isoTime(now, 'now')
      const rows = await query<ApprovalRow>(
        'approvals.expire',
        `UPDATE ${s}.airlock_approvals SET status = 'expired', decided_at = $1
          WHERE status = 'pending' AND expires_at <= $1 RETURNING *`,
        [at],
      )
      return rows.map(rowToApproval)
    },
  }

  const idempotency: IdempotencyStore = {
    async claim(request) {
      const now = isoTime(request.now, 'now')
      const lease = isoTime(request.lease_until, 'lease_until')
      const { tenant_id, action, key, fingerprint, owner } = request
      // The upsert decides atomically; when it did not win, a second read
      // reports who did. Between the two a holder may release the key, so
      // try again rather than report a row that no longer exists.
      for (let attempt = 0; attempt < 5; attempt++) {
        const [won] = await query<{ recovered: number }>('idempotency.claim', claimSql, [
          tenant_id,
          action,
          key,
          fingerprint,
          owner,
          lease,
          now,
        ])
        if (won) return { kind: 'claimed', recovered: won.recovered === 1 }
        const [row] = await query<IdempotencyRow>(
          'idempotency.claim',
          `SELECT fingerprint, state, outcome FROM ${s}.airlock_idempotency WHERE ${scopeWhere}`,
          [tenant_id, action, key],
        )
        if (!row) continue
        const result: ClaimResult =
          row.state === 'completed'
            ? { kind: 'completed', fingerprint: row.fingerprint, outcome: row.outcome ?? '' }
            : { kind: 'in_flight', fingerprint: row.fingerprint }
        return result
      }
      throw new AirlockError(
        ErrorCode.STORE_ERROR,
        `postgres store: idempotency.claim for key ${JSON.stringify(key)} kept changing under it; try again`,
      )
    },
    async complete(scope, owner, outcome, expires_at) {
      if (typeof outcome !== 'string') throw badRequest('idempotency outcome must be serialised JSON text')
      const expires = isoTime(expires_at, 'expires_at')
      const n = await count(
        'idempotency.complete',
        `UPDATE ${s}.airlock_idempotency SET state = 'completed', outcome = $5, expires_at = $6
          WHERE ${scopeWhere} AND owner = $4 AND state = 'in_flight'`,
        [scope.tenant_id, scope.action, scope.key, owner, outcome, expires],
      )
      return n === 1
    },
    async extend(scope, owner, lease_until) {
      const lease = isoTime(lease_until, 'lease_until')
      const n = await count(
        'idempotency.extend',
        `UPDATE ${s}.airlock_idempotency SET lease_until = $5
          WHERE ${scopeWhere} AND owner = $4 AND state = 'in_flight'`,
        [scope.tenant_id, scope.action, scope.key, owner, lease],
      )
      return n === 1
    },
    async release(scope, owner) {
      await count(
        'idempotency.release',
        `DELETE FROM ${s}.airlock_idempotency WHERE ${scopeWhere} AND owner = $4 AND state = 'in_flight'`,
        [scope.tenant_id, scope.action, scope.key, owner],
      )
    },
    async get(scope) {
      const [row] = await query<IdempotencyRow>(
        'idempotency.get',
        `SELECT fingerprint, state, outcome FROM ${s}.airlock_idempotency WHERE ${scopeWhere}`,
        [scope.tenant_id, scope.action, scope.key],
      )
      return row ? { fingerprint: row.fingerprint, state: row.state, outcome: row.outcome } : null
    },
    async purge(now) {
      const at = isoTime(now, 'now')
      return count(
        'idempotency.purge',
        `DELETE FROM ${s}.airlock_idempotency WHERE state = 'completed' AND expires_at <= $1`,
        [at],
      )
    },
  }

  const nonces: NonceStore = {
    async consume(nonce, expires_at) {
      if (typeof nonce !== 'string' || nonce === '') throw badRequest('nonce must be a non-empty string')
      const expires = isoTime(expires_at, 'expires_at')
      const n = await count(
        'nonces.consume',
        `INSERT INTO ${s}.airlock_nonces (nonce, expires_at) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
        [nonce, expires],
      )
      return n === 1
    },
    async purge(now) {
      const at = isoTime(now, 'now')
      return count('nonces.purge', `DELETE FROM ${s}.airlock_nonces WHERE expires_at < $1`, [at])
    },
  }

  const appendSql = `WITH inserted AS (
      INSERT INTO ${s}.airlock_audit_events
        (seq, id, ts, tenant_id, request_id, status, action, actor, decision, approval_id, body, prev_hash, hash)
      SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
        $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[])
      RETURNING 1
    )
    UPDATE ${s}.airlock_audit_head SET seq = $14, hash = $15
    WHERE id = 1 AND (SELECT count(*) FROM inserted) = $16`

  const audit: AuditStore = {
    async append(inputs: readonly AuditEventInput[]) {
      if (inputs.length === 0) return []
      return transaction('audit.append', async (client) => {
        const { rows } = await client.query<{ seq: string; hash: string }>(
          `SELECT seq, hash FROM ${s}.airlock_audit_head WHERE id = 1 FOR UPDATE`,
        )
        const head = rows[0]
        if (!head)
          throw new AirlockError(ErrorCode.STORE_ERROR, 'postgres store: the audit head row is missing')
        const linked = linkBatch({ seq: Number(head.seq), hash: head.hash }, inputs)
        const columns: unknown[][] = Array.from({ length: 13 }, () => [])
        for (const { event: e, body } of linked) {
          const values = [
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
          values.forEach((v, i) => {
            columns[i]!.push(v)
          })
        }
        const last = linked.at(-1)!.event
        const result = await client.query(appendSql, [...columns, last.seq, last.hash, linked.length])
        if (result.rowCount !== 1) {
          throw new AirlockError(ErrorCode.STORE_ERROR, 'postgres store: the audit head did not advance')
        }
        return linked.map((l) => l.event)
      })
    },
    async list(filter, limit, cursor) {
      checkLimit(limit, MAX_LIST_LIMIT)
      const clean = normaliseAuditFilter(filter)
      const where: string[] = []
      const params: unknown[] = []
      const add = (condition: (placeholder: string) => string, value: unknown) => {
        params.push(value)
        where.push(condition(`$${params.length}`))
      }
      for (const field of AUDIT_EQUALITY_FIELDS) {
        if (clean[field] !== undefined) add((p) => `${field} = ${p}`, clean[field])
      }
      for (const field of AUDIT_BODY_FIELDS) {
        if (clean[field] !== undefined) add((p) => `(body::jsonb) ->> '${field}' = ${p}`, clean[field])
      }
      if (clean.since !== undefined) add((p) => `ts >= ${p}`, clean.since)
      if (clean.until !== undefined) add((p) => `ts < ${p}`, clean.until)
      if (cursor) add((p) => `seq < ${p}`, decodeCursor('audit', clean, cursor, ['number'])[0])
      params.push(limit + 1)
      const rows = await query<AuditRow>(
        'audit.list',
        `SELECT seq, prev_hash, hash, body FROM ${s}.airlock_audit_events
          ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT $${params.length}`,
        params,
      )
      const items = rows.slice(0, limit).map((r) => readEvent(r.prev_hash, r.hash, r.body))
      const last = items.at(-1)
      return {
        items,
        next_cursor: rows.length > limit && last ? encodeCursor('audit', clean, [last.seq]) : null,
      }
    },
    async range(after, limit) {
      checkAfter(after)
      checkLimit(limit, MAX_RANGE_LIMIT)
      const rows = await query<AuditRow>(
        'audit.range',
        `SELECT seq, prev_hash, hash, body FROM ${s}.airlock_audit_events WHERE seq > $1 ORDER BY seq LIMIT $2`,
        [after, limit],
      )
      return rows.map((r) => readEvent(r.prev_hash, r.hash, r.body))
    },
    async head() {
      const [row] = await query<{ seq: string; hash: string }>(
        'audit.head',
        `SELECT seq, hash FROM ${s}.airlock_audit_head WHERE id = 1`,
      )
      return row && Number(row.seq) > 0 ? { seq: Number(row.seq), hash: row.hash } : null
    },
    async stats(statsQuery) {
      return postgresAuditStats((text, values) => query('audit.stats', text, [...values]), s, statsQuery)
    },
  }

  return {
    kind: 'postgres',
    approvals,
    idempotency,
    nonces,
    audit,
    async migrate() {
      await transaction('migrate', async (client) => {
        // Every replica may migrate at start-up; the lock makes them take turns.
        await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`airlock.migrate.${schemaName}`])
        await client.query(`CREATE SCHEMA IF NOT EXISTS ${s}`)
        await client.query(`CREATE TABLE IF NOT EXISTS ${s}.airlock_migrations (
          version integer PRIMARY KEY, name text NOT NULL, applied_at text NOT NULL)`)
        const { rows } = await client.query<{ version: number }>(
          `SELECT version FROM ${s}.airlock_migrations`,
        )
        const applied = new Set(rows.map((r) => Number(r.version)))
        const known = POSTGRES_MIGRATIONS.at(-1)?.version ?? 0
        const newest = Math.max(0, ...applied)
        if (newest > known) {
          throw new AirlockError(
            ErrorCode.STORE_ERROR,
            `postgres store: schema ${schemaName} is at version ${newest}, newer than this Airlock knows (${known}); upgrade Airlock`,
          )
        }
        for (const migration of POSTGRES_MIGRATIONS) {
          if (applied.has(migration.version)) continue
          for (const statement of migration.statements(s)) await client.query(statement)
          await client.query(
            `INSERT INTO ${s}.airlock_migrations (version, name, applied_at) VALUES ($1, $2, $3)`,
            [migration.version, migration.name, new Date().toISOString()],
          )
        }
      })
    },
    async ping() {
      await query('ping', 'SELECT 1')
    },
    async close() {
      if (owned) {
        try {
          await pool.end()
        } catch (error) {
          throw fail('close', error)
        }
      }
    },
  }
}
