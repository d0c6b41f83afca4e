/**
 * Approvals in PostgreSQL.
 *
 * @remarks Concurrency contract, across any number of replicas: every
 * transition is one conditional statement (`UPDATE … WHERE status = …
 * RETURNING *`), or, for votes, a transaction holding the row lock
 * (`SELECT … FOR UPDATE`) for the read-and-decide. So:
 * - exactly one `startExecution` gets the approved row (the others get null);
 * - exactly one of `expireOne`, a deciding vote and `expire` moves a pending
 *   approval out of `pending`;
 * - concurrent votes on one approval are decided one after another, so none
 *   is lost or counted twice and two approvers never both see "one short";
 * - `complete` succeeds once, from `approved` or `executing` only.
 *
 * @module
 */
import { AirlockError } from '../../errors/airlock-error.js'
import { ErrorCode } from '../../errors/error-codes.js'
import {
  APPROVAL_COLUMNS,
  type ApprovalRow,
  approvalToRow,
  newApproval,
  rowToApproval,
} from '../internal/approval-row.js'
import { castVote, normaliseVote } from '../internal/cast-vote.js'
import { isoTime } from '../internal/iso-time.js'
import { approvalListQuery } from '../internal/sql-query.js'
import { badRequest } from '../internal/store-error.js'
import type { Approval, ApprovalStore, ApprovalVote, NewApproval, VoteResult } from '../store.js'
import { type PostgresConnection, sqlState } from './postgres-connection.js'

/** The statements, for one schema. */
function statements(s: string) {
  const t = `${s}.airlock_approvals`
  return {
    table: t,
    insert: `INSERT INTO ${t} (${APPROVAL_COLUMNS.join(', ')})
      VALUES (${APPROVAL_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')})`,
    select: `SELECT * FROM ${t} WHERE tenant_id = $1 AND id = $2`,
    forKey: `SELECT * FROM ${t}
      WHERE tenant_id = $1 AND action = $2 AND idempotency_key = $3 AND requester = $4
      ORDER BY created_at DESC, id DESC LIMIT 1`,
    claimNotice: `UPDATE ${t} SET notice_claimed_at = $1
      WHERE tenant_id = $2 AND id = $3 AND notice_claimed_at IS NULL`,
    vote: `UPDATE ${t} SET status = $1, votes = $2, decided_by = $3, comment = $4, decided_at = $5
      WHERE id = $6 AND status = 'pending'`,
    start: `UPDATE ${t} SET status = 'executing'
      WHERE tenant_id = $1 AND id = $2 AND status = 'approved' RETURNING *`,
    expireOne: `UPDATE ${t} SET status = 'expired', decided_at = $1
      WHERE tenant_id = $2 AND id = $3 AND status = 'pending' RETURNING *`,
    complete: `UPDATE ${t} SET status = $1, outcome = $2, completed_at = $3
      WHERE tenant_id = $4 AND id = $5 AND status IN ('approved', 'executing') RETURNING *`,
    expireDue: `UPDATE ${t} SET status = 'expired', decided_at = $1
      WHERE status = 'pending' AND expires_at <= $1 RETURNING *`,
    countPending: `SELECT count(*)::int AS n FROM ${t} WHERE status = 'pending'`,
  }
}

type Sql = ReturnType<typeof statements>

async function create(c: PostgresConnection, sql: Sql, input: NewApproval): Promise<Approval> {
  const approval = newApproval(input)
  const row = approvalToRow(approval)
  try {
    await c.pool.query(
      sql.insert,
      APPROVAL_COLUMNS.map((col) => row[col]),
    )
  } catch (error) {
    if (sqlState(error) === '23505') {
      throw new AirlockError(ErrorCode.INTERNAL, `approval ${approval.id} already exists`, { cause: error })
    }
    throw c.fail('approvals.create', error)
  }
  return approval
}

async function decide(
  c: PostgresConnection,
  sql: Sql,
  kind: 'approve' | 'reject',
  [tenant, id, vote, now]: [string, string, ApprovalVote, string],
): Promise<VoteResult> {
  const cleanVote = normaliseVote(vote)
  const at = isoTime(now, 'now')
  return c.transaction(`approvals.${kind}`, async (client) => {
    const { rows } = await client.query<ApprovalRow>(`${sql.select} FOR UPDATE`, [tenant, id])
    const row = rows[0]
    if (!row) return { kind: 'not_found' }
    const effect = castVote(rowToApproval(row), kind, cleanVote, at)
    const n = effect.next
    if (n)
      await client.query(sql.vote, [
        n.status,
        JSON.stringify(n.votes),
        n.decided_by,
        n.comment,
        n.decided_at,
        n.id,
      ])
    return effect.result
  })
}

/** One row changed by `text`, or null when its condition no longer held. */
async function transition(
  c: PostgresConnection,
  operation: string,
  text: string,
  values: unknown[],
): Promise<Approval | null> {
  const [row] = await c.query<ApprovalRow>(operation, text, values)
  return row ? rowToApproval(row) : null
}

/** The approval store over a PostgreSQL connection. */
export function postgresApprovals(c: PostgresConnection): ApprovalStore {
  const sql = statements(c.s)
  return {
    create: (input) => create(c, sql, input),
    get: (tenant, id) => transition(c, 'approvals.get', sql.select, [tenant, id]),
    forKey: (tenant, action, key, requester) =>
      transition(c, 'approvals.forKey', sql.forKey, [tenant, action, key, requester]),
    claimNotice: async (tenant, id, now) =>
      (await c.count('approvals.claimNotice', sql.claimNotice, [isoTime(now, 'now'), tenant, id])) === 1,
    async list(tenant, options) {
      const q = approvalListQuery(sql.table, tenant, options, (i) => `$${i}`)
      return q.readPage(await c.query<ApprovalRow>('approvals.list', q.sql, [...q.params]))
    },
    approve: (...args) => decide(c, sql, 'approve', args),
    reject: (...args) => decide(c, sql, 'reject', args),
    async startExecution(tenant, id, now) {
      isoTime(now, 'now')
      return transition(c, 'approvals.startExecution', sql.start, [tenant, id])
    },
    async expireOne(tenant, id, now) {
      return transition(c, 'approvals.expireOne', sql.expireOne, [isoTime(now, 'now'), tenant, id])
    },
    async complete(tenant, id, status, outcome, now) {
      const at = isoTime(now, 'now')
      if (status !== 'executed' && status !== 'failed')
        throw badRequest(`cannot complete as ${String(status)}`)
      const values = [status, JSON.stringify(outcome ?? null), at, tenant, id]
      return transition(c, 'approvals.complete', sql.complete, values)
    },
    async expire(now) {
      const rows = await c.query<ApprovalRow>('approvals.expire', sql.expireDue, [isoTime(now, 'now')])
      return rows.map(rowToApproval)
    },
    async countPending() {
      const rows = await c.query<{ n: number }>('approvals.countPending', sql.countPending, [])
      return rows[0]?.n ?? 0
    },
  }
}
