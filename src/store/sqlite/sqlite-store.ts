/**
 * The SQLite {@link Store}: one file, shared safely by several processes.
 *
 * @remarks Every read-modify-write runs in a `BEGIN IMMEDIATE` transaction,
 * which takes SQLite's single write lock up front; other writers (in this or
 * any process) wait up to `busy_timeout` for it. better-sqlite3 is
 * synchronous, so a transaction also never interleaves with other work in
 * this process. With WAL and `synchronous=FULL` a commit returns only after
 * the write-ahead log is fsynced.
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
import { type ChainHead, linkBatch, readEvent } from '../internal/link-batch.js'
import { badRequest, storeError } from '../internal/store-error.js'
import type {
  Approval,
  ApprovalStore,
  ApprovalVote,
  AuditStore,
  ClaimResult,
  IdempotencyStore,
  NonceStore,
  Store,
  VoteResult,
} from '../store.js'
import { SQLITE_MIGRATIONS } from './migrations.js'
import { sqliteAuditStats } from './sqlite-audit-stats.js'
import type { SqliteDatabase, SqliteStatement, SqliteStoreConfig } from './sqlite-store-config.js'

interface AuditRow {
  seq: number
  prev_hash: string
  hash: string
  body: string
}

interface IdempotencyRow {
  fingerprint: string
  state: 'in_flight' | 'completed'
  outcome: string | null
}

function openDatabase(path: string): SqliteDatabase {
  if (typeof path !== 'string' || path === '') {
    throw new AirlockError(ErrorCode.CONFIG_INVALID, 'sqliteStore({ path }): path must be a non-empty string')
  }
  let Database: new (filename: string) => SqliteDatabase
  try {
    // Loaded only when the store opens the file itself, so importing this
    // module never requires the native driver.
    Database = createRequire(import.meta.url)('better-sqlite3') as typeof Database
  } catch (error) {
    throw new AirlockError(
      ErrorCode.CONFIG_INVALID,
      'sqliteStore({ path }) needs the better-sqlite3 package: npm install better-sqlite3',
      { cause: error },
    )
  }
  try {
    return new Database(path)
  } catch (error) {
    throw storeError('sqlite', `opening ${path}`, error)
  }
}

const APPROVAL_INSERT = `INSERT INTO airlock_approvals (${APPROVAL_COLUMNS.join(', ')})
  VALUES (${APPROVAL_COLUMNS.map(() => '?').join(', ')})`

const VOTE_UPDATE = `UPDATE airlock_approvals SET status = ?, votes = ?, decided_by = ?, comment = ?, decided_at = ?
  WHERE id = ? AND status = 'pending'`

const CLAIM = `INSERT INTO airlock_idempotency AS i
    (tenant_id, action, idem_key, fingerprint, owner, state, lease_until, outcome, expires_at, recovered)
  VALUES (?, ?, ?, ?, ?, 'in_flight', ?, NULL, NULL, 0)
  ON CONFLICT (tenant_id, action, idem_key) DO UPDATE SET
    fingerprint = excluded.fingerprint, owner = excluded.owner, state = 'in_flight',
    lease_until = excluded.lease_until, outcome = NULL, expires_at = NULL,
    recovered = CASE WHEN i.state = 'in_flight' THEN 1 ELSE 0 END
  WHERE (i.state = 'in_flight' AND i.lease_until <= ? AND i.fingerprint = excluded.fingerprint)
     OR (i.state = 'completed' AND i.expires_at <= ?)
  RETURNING recovered`

const AUDIT_INSERT = `INSERT INTO airlock_audit_events
    (seq, id, ts, tenant_id, request_id, status, action, actor, decision, approval_id, body, prev_hash, hash)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

/**
 * Creates a store over a SQLite database.
 *
 * @example
 * ```ts
 * const store = sqliteStore({ path: './airlock.db' })
 * await store.migrate()
 * ```
 */
export function sqliteStore(config: SqliteStoreConfig): Store {
  const owned = 'path' in config
  const db = 'database' in config ? config.database : openDatabase(config.path)
  const busyTimeout = config.busyTimeoutMs ?? 10_000
  if (!Number.isInteger(busyTimeout) || busyTimeout < 0) {
    throw new AirlockError(
      ErrorCode.CONFIG_INVALID,
      'sqliteStore: busyTimeoutMs must be a non-negative integer',
    )
  }
  try {
    // busy_timeout first: switching to WAL needs a lock another process may hold.
    db.pragma(`busy_timeout = ${busyTimeout}`)
    db.pragma('journal_mode = WAL')
    db.pragma('synchronous = FULL')
    // Checkpoints copy the WAL into the database and fsync it, on this
    // thread. At SQLite's default (every 1,000 pages) they ran several times a
    // second under load and cut audited throughput by a third; every 16,384
    // pages (64 MiB of WAL at 4 KiB pages) keeps them rare, and the size
    // limit hands the space back after each one.
    db.pragma('wal_autocheckpoint = 16384')
    db.pragma(`journal_size_limit = ${64 * 1024 * 1024}`)
  } catch (error) {
    throw storeError('sqlite', 'configuring the connection', error)
  }

  const cache = new Map<string, SqliteStatement>()
  const stmt = (sql: string): SqliteStatement => {
    let prepared = cache.get(sql)
    if (!prepared) {
      prepared = db.prepare(sql)
      cache.set(sql, prepared)
    }
    return prepared
  }

  const fail = (operation: string, error: unknown): AirlockError => {
    const wrapped = storeError('sqlite', operation, error)
    if (!AirlockError.isInstance(error) && /no such table: airlock_/.test(wrapped.message)) {
      return new AirlockError(ErrorCode.STORE_ERROR, `${wrapped.message} (run store.migrate() first)`, {
        cause: error,
      })
    }
    return wrapped
  }

  const read = <T>(operation: string, fn: () => T): T => {
    try {
      return fn()
    } catch (error) {
      throw fail(operation, error)
    }
  }

  const write = <T>(operation: string, fn: () => T): T => {
    try {
      db.exec('BEGIN IMMEDIATE')
    } catch (error) {
      throw fail(operation, error)
    }
    try {
      const result = fn()
      db.exec('COMMIT')
      return result
    } catch (error) {
      try {
        db.exec('ROLLBACK')
      } catch {
        // SQLite already rolled back (e.g. after a disk or busy error).
      }
      throw fail(operation, error)
    }
  }

  const approvals: ApprovalStore = {
    async create(input) {
      const approval = newApproval(input)
      const row = approvalToRow(approval)
      read('approvals.create', () => {
        try {
          stmt(APPROVAL_INSERT).run(...APPROVAL_COLUMNS.map((c) => row[c]))
        } catch (error) {
          if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
            throw new AirlockError(ErrorCode.INTERNAL, `approval ${approval.id} already exists`, {
              cause: error,
            })
          }
          throw error
        }
      })
      return approval
    },
    async get(tenant, id) {
      const row = read('approvals.get', () =>
        stmt('SELECT * FROM airlock_approvals WHERE tenant_id = ? AND id = ?').get(tenant, id),
      ) as ApprovalRow | undefined
      return row ? rowToApproval(row) : null
    },
    async list(tenant, options) {
      const limit = checkLimit(options.limit, MAX_LIST_LIMIT)
      const filter = { tenant_id: tenant, status: options.status ?? null }
      const where = ['tenant_id = ?']
      const params: unknown[] = [tenant]
      if (options.status !== undefined) {
        where.push('status = ?')
        params.push(options.status)
      }
      if (options.cursor) {
        const [createdAt, id] = decodeCursor('approvals', filter, options.cursor, ['string', 'string'])
        where.push('(created_at, id) < (?, ?)')
        params.push(createdAt, id)
      }
      const sql = `SELECT * FROM airlock_approvals WHERE ${where.join(' AND ')}
        ORDER BY created_at DESC, id DESC LIMIT ?`
      const rows = read('approvals.list', () => stmt(sql).all(...params, limit + 1)) as ApprovalRow[]
      const items = rows.slice(0, limit).map(rowToApproval)
      const last = items.at(-1)
      const next_cursor =
        rows.length > limit && last ? encodeCursor('approvals', filter, [last.created_at, last.id]) : null
      return { items, next_cursor }
    },
    async approve(tenant, id, vote, now) {
      return decide('approvals.approve', tenant, id, 'approve', vote, now)
    },
    async reject(tenant, id, vote, now) {
      return decide('approvals.reject', tenant, id, 'reject', vote, now)
    },
    async startExecution(tenant, id, now) {
      isoTime(now, 'now')
      const row = read('approvals.startExecution', () =>
        stmt(
          `UPDATE airlock_approvals SET status = 'executing'
            WHERE tenant_id = ? AND id = ? AND status = 'approved' RETURNING *`,
        ).get(tenant, id),
      ) as ApprovalRow | undefined
      return row ? rowToApproval(row) : null
    },
    async expireOne(tenant, id, now) {
      const at = isoTime(now, 'now')
      const row = read('approvals.expireOne', () =>
        stmt(
          `UPDATE airlock_approvals SET status = 'expired', decided_at = ?
            WHERE tenant_id = ? AND id = ? AND status = 'pending' RETURNING *`,
        ).get(at, tenant, id),
      ) as ApprovalRow | undefined
      return row ? rowToApproval(row) : null
    },
    async complete(tenant, id, status, outcome, now) {
      const at = isoTime(now, 'now')
      if (status !== 'executed' && status !== 'failed')
        throw badRequest(`cannot complete as ${String(status)}`)
      const row = read('approvals.complete', () =>
        stmt(
          `UPDATE airlock_approvals SET status = ?, outcome = ?, completed_at = ?
            WHERE tenant_id = ? AND id = ? AND status IN ('approved', 'executing') RETURNING *`,
        ).get(status, JSON.stringify(outcome ?? null), at, tenant, id),
      ) as ApprovalRow | undefined
      return row ? rowToApproval(row) : null
    },
    async expire(now) {
      const at = isoTime(now, 'now')
      const rows = read('approvals.expire', () =>
        stmt(
          `UPDATE airlock_approvals SET status = 'expired', decided_at = ?
            WHERE status = 'pending' AND expires_at <= ? RETURNING *`,
        ).all(at, at),
      ) as ApprovalRow[]
      return rows.map(rowToApproval)
    },
  }

  function decide(
    operation: string,
    tenant: string,
    id: string,
    kind: 'approve' | 'reject',
    vote: ApprovalVote,
    now: string,
  ): VoteResult {
    const cleanVote = normaliseVote(vote)
    const at = isoTime(now, 'now')
    return write(operation, () => {
      const row = stmt('SELECT * FROM airlock_approvals WHERE tenant_id = ? AND id = ?').get(tenant, id) as
        | ApprovalRow
        | undefined
      if (!row) return { kind: 'not_found' }
      const effect = castVote(rowToApproval(row), kind, cleanVote, at)
      if (effect.next) writeVote(effect.next)
      return effect.result
    })
  }

  function writeVote(next: Approval): void {
    stmt(VOTE_UPDATE).run(
      next.status,
      JSON.stringify(next.votes),
      next.decided_by,
      next.comment,
      next.decided_at,
      next.id,
    )
  }

  const idempotency: IdempotencyStore = {
    async claim(request) {
      const now = isoTime(request.now, 'now')
      const lease = isoTime(request.lease_until, 'lease_until')
      return write('idempotency.claim', (): ClaimResult => {
        const { tenant_id, action, key, fingerprint, owner } = request
        const won = stmt(CLAIM).get(tenant_id, action, key, fingerprint, owner, lease, now, now) as
          | { recovered: number }
          | undefined
        if (won) return { kind: 'claimed', recovered: won.recovered === 1 }
        const row = stmt(
          'SELECT fingerprint, state, outcome FROM airlock_idempotency WHERE tenant_id = ? AND action = ? AND idem_key = ?',
        ).get(tenant_id, action, key) as IdempotencyRow
        return row.state === 'completed'
          ? { kind: 'completed', fingerprint: row.fingerprint, outcome: row.outcome ?? '' }
          : { kind: 'in_flight', fingerprint: row.fingerprint }
      })
    },
    async complete(scope, owner, outcome, expires_at) {
      if (typeof outcome !== 'string') throw badRequest('idempotency outcome must be serialised JSON text')
      const expires = isoTime(expires_at, 'expires_at')
      const { changes } = read('idempotency.complete', () =>
        stmt(
          `UPDATE airlock_idempotency SET state = 'completed', outcome = ?, expires_at = ?
            WHERE tenant_id = ? AND action = ? AND idem_key = ? AND owner = ? AND state = 'in_flight'`,
        ).run(outcome, expires, scope.tenant_id, scope.action, scope.key, owner),
      )
      return changes === 1
    },
    async extend(scope, owner, lease_until) {
      const lease = isoTime(lease_until, 'lease_until')
      const { changes } = read('idempotency.extend', () =>
        stmt(
          `UPDATE airlock_idempotency SET lease_until = ?
            WHERE tenant_id = ? AND action = ? AND idem_key = ? AND owner = ? AND state = 'in_flight'`,
        ).run(lease, scope.tenant_id, scope.action, scope.key, owner),
      )
      return changes === 1
    },
    async release(scope, owner) {
      read('idempotency.release', () =>
        stmt(
          `DELETE FROM airlock_idempotency
            WHERE tenant_id = ? AND action = ? AND idem_key = ? AND owner = ? AND state = 'in_flight'`,
        ).run(scope.tenant_id, scope.action, scope.key, owner),
      )
    },
    async get(scope) {
      const row = read('idempotency.get', () =>
        stmt(
          'SELECT fingerprint, state, outcome FROM airlock_idempotency WHERE tenant_id = ? AND action = ? AND idem_key = ?',
        ).get(scope.tenant_id, scope.action, scope.key),
      ) as IdempotencyRow | undefined
      return row ? { fingerprint: row.fingerprint, state: row.state, outcome: row.outcome } : null
    },
    async purge(now) {
      const at = isoTime(now, 'now')
      return read(
        'idempotency.purge',
        () =>
          stmt(`DELETE FROM airlock_idempotency WHERE state = 'completed' AND expires_at <= ?`).run(at)
            .changes,
      )
    },
  }

  const nonces: NonceStore = {
    async consume(nonce, expires_at) {
      if (typeof nonce !== 'string' || nonce === '') throw badRequest('nonce must be a non-empty string')
      const expires = isoTime(expires_at, 'expires_at')
      return read(
        'nonces.consume',
        () =>
          stmt('INSERT INTO airlock_nonces (nonce, expires_at) VALUES (?, ?) ON CONFLICT DO NOTHING').run(
            nonce,
            expires,
          ).changes === 1,
      )
    },
    async purge(now) {
      const at = isoTime(now, 'now')
      return read(
        'nonces.purge',
        () => stmt('DELETE FROM airlock_nonces WHERE expires_at < ?').run(at).changes,
      )
    },
  }

  const audit: AuditStore = {
    async append(inputs: readonly AuditEventInput[]) {
      if (inputs.length === 0) return []
      return write('audit.append', () => {
        const head = stmt('SELECT seq, hash FROM airlock_audit_head WHERE id = 1').get() as ChainHead
        const linked = linkBatch(head, inputs)
        const insert = stmt(AUDIT_INSERT)
        for (const { event: e, body } of linked) {
          insert.run(
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
          )
        }
        const last = linked.at(-1)!.event
        stmt('UPDATE airlock_audit_head SET seq = ?, hash = ? WHERE id = 1').run(last.seq, last.hash)
        return linked.map((l) => l.event)
      })
    },
    async list(filter, limit, cursor) {
      checkLimit(limit, MAX_LIST_LIMIT)
      const clean = normaliseAuditFilter(filter)
      const where: string[] = []
      const params: unknown[] = []
      for (const field of AUDIT_EQUALITY_FIELDS) {
        if (clean[field] === undefined) continue
        where.push(`${field} = ?`)
        params.push(clean[field])
      }
      for (const field of AUDIT_BODY_FIELDS) {
        if (clean[field] === undefined) continue
        where.push(`json_extract(body, '$.${field}') = ?`)
        params.push(clean[field])
      }
      if (clean.since !== undefined) {
        where.push('ts >= ?')
        params.push(clean.since)
      }
      if (clean.until !== undefined) {
        where.push('ts < ?')
        params.push(clean.until)
      }
      if (cursor) {
        where.push('seq < ?')
        params.push(decodeCursor('audit', clean, cursor, ['number'])[0])
      }
      const sql = `SELECT seq, prev_hash, hash, body FROM airlock_audit_events
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT ?`
      const rows = read('audit.list', () => stmt(sql).all(...params, limit + 1)) as AuditRow[]
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
      const rows = read('audit.range', () =>
        stmt(
          'SELECT seq, prev_hash, hash, body FROM airlock_audit_events WHERE seq > ? ORDER BY seq LIMIT ?',
        ).all(after, limit),
      ) as AuditRow[]
      return rows.map((r) => readEvent(r.prev_hash, r.hash, r.body))
    },
    async head() {
      const head = read('audit.head', () =>
        stmt('SELECT seq, hash FROM airlock_audit_head WHERE id = 1').get(),
      ) as ChainHead | undefined
      return head && head.seq > 0 ? { seq: head.seq, hash: head.hash } : null
    },
    async stats(query) {
      return sqliteAuditStats((sql, params) => read('audit.stats', () => stmt(sql).all(...params)), query)
    },
  }

  return {
    kind: 'sqlite',
    approvals,
    idempotency,
    nonces,
    audit,
    async migrate() {
      write('migrate', () => {
        db.exec(`CREATE TABLE IF NOT EXISTS airlock_migrations (
          version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`)
        const applied = new Set(
          (db.prepare('SELECT version FROM airlock_migrations').all() as { version: number }[]).map(
            (r) => r.version,
          ),
        )
        const known = SQLITE_MIGRATIONS.at(-1)?.version ?? 0
        const newest = Math.max(0, ...applied)
        if (newest > known) {
          throw new AirlockError(
            ErrorCode.STORE_ERROR,
            `sqlite store: the database is at schema version ${newest}, newer than this Airlock knows (${known}); upgrade Airlock`,
          )
        }
        for (const migration of SQLITE_MIGRATIONS) {
          if (applied.has(migration.version)) continue
          for (const statement of migration.statements) db.exec(statement)
          db.prepare('INSERT INTO airlock_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
            migration.version,
            migration.name,
            new Date().toISOString(),
          )
        }
      })
    },
    async ping() {
      read('ping', () => db.prepare('SELECT 1').get())
    },
    async close() {
      cache.clear()
      if (owned) read('close', () => db.close())
    },
  }
}
