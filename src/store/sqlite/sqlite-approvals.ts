/**
 * Approvals in SQLite.
 *
 * @remarks Concurrency contract: every transition is one conditional
 * statement (`UPDATE … WHERE status = … RETURNING *`) or one `BEGIN IMMEDIATE`
 * transaction, so of any number of concurrent callers, in any process:
 * - exactly one `startExecution` gets the approved row (the others get null);
 * - exactly one of `expireOne`, a deciding vote and `expire` moves a pending
 *   approval out of `pending`;
 * - votes are read and decided under the write lock, so two approvers never
 *   both see "one vote short", and no vote is lost or counted twice;
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
import type { SqliteConnection } from './sqlite-connection.js'

const INSERT = `INSERT INTO airlock_approvals (${APPROVAL_COLUMNS.join(', ')})
  VALUES (${APPROVAL_COLUMNS.map(() => '?').join(', ')})`

const SELECT = 'SELECT * FROM airlock_approvals WHERE tenant_id = ? AND id = ?'

const FOR_KEY = `SELECT * FROM airlock_approvals
  WHERE tenant_id = ? AND action = ? AND idempotency_key = ? AND requester = ?
  ORDER BY created_at DESC, id DESC LIMIT 1`

const CLAIM_NOTICE = `UPDATE airlock_approvals SET notice_claimed_at = ?
  WHERE tenant_id = ? AND id = ? AND notice_claimed_at IS NULL`

const VOTE_UPDATE = `UPDATE airlock_approvals SET status = ?, votes = ?, decided_by = ?, comment = ?, decided_at = ?
  WHERE id = ? AND status = 'pending'`

const START = `UPDATE airlock_approvals SET status = 'executing'
  WHERE tenant_id = ? AND id = ? AND status = 'approved' RETURNING *`

const EXPIRE_ONE = `UPDATE airlock_approvals SET status = 'expired', decided_at = ?
  WHERE tenant_id = ? AND id = ? AND status = 'pending' RETURNING *`

const COMPLETE = `UPDATE airlock_approvals SET status = ?, outcome = ?, completed_at = ?
  WHERE tenant_id = ? AND id = ? AND status IN ('approved', 'executing') RETURNING *`

const COUNT_PENDING = "SELECT count(*) AS n FROM airlock_approvals WHERE status = 'pending'"
const EXPIRE_DUE = `UPDATE airlock_approvals SET status = 'expired', decided_at = ?
  WHERE status = 'pending' AND expires_at <= ? RETURNING *`

function create(c: SqliteConnection, input: NewApproval): Approval {
  const approval = newApproval(input)
  const row = approvalToRow(approval)
  c.read('approvals.create', () => {
    try {
      c.stmt(INSERT).run(...APPROVAL_COLUMNS.map((col) => row[col]))
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
        throw new AirlockError(ErrorCode.INTERNAL, `approval ${approval.id} already exists`, { cause: error })
      }
      throw error
    }
  })
  return approval
}

function decide(
  c: SqliteConnection,
  kind: 'approve' | 'reject',
  tenant: string,
  id: string,
  vote: ApprovalVote,
  now: string,
): VoteResult {
  const cleanVote = normaliseVote(vote)
  const at = isoTime(now, 'now')
  return c.write(`approvals.${kind}`, () => {
    const row = c.stmt(SELECT).get(tenant, id) as ApprovalRow | undefined
    if (!row) return { kind: 'not_found' }
    const effect = castVote(rowToApproval(row), kind, cleanVote, at)
    const n = effect.next
    if (n)
      c.stmt(VOTE_UPDATE).run(n.status, JSON.stringify(n.votes), n.decided_by, n.comment, n.decided_at, n.id)
    return effect.result
  })
}

/** One row changed by `sql`, or null when its condition no longer held. */
function transition(c: SqliteConnection, operation: string, sql: string, params: unknown[]): Approval | null {
  const row = c.read(operation, () => c.stmt(sql).get(...params)) as ApprovalRow | undefined
  return row ? rowToApproval(row) : null
}

function complete(
  c: SqliteConnection,
  tenant: string,
  id: string,
  status: 'executed' | 'failed',
  outcome: unknown,
  now: string,
): Approval | null {
  const at = isoTime(now, 'now')
  if (status !== 'executed' && status !== 'failed') throw badRequest(`cannot complete as ${String(status)}`)
  return transition(c, 'approvals.complete', COMPLETE, [
    status,
    JSON.stringify(outcome ?? null),
    at,
    tenant,
    id,
  ])
}

/** The approval store over a SQLite connection. */
export function sqliteApprovals(c: SqliteConnection): ApprovalStore {
  return {
    create: async (input) => create(c, input),
    get: async (tenant, id) => transition(c, 'approvals.get', SELECT, [tenant, id]),
    forKey: async (tenant, action, key, requester) =>
      transition(c, 'approvals.forKey', FOR_KEY, [tenant, action, key, requester]),
    claimNotice: async (tenant, id, now) =>
      c.read('approvals.claimNotice', () => c.stmt(CLAIM_NOTICE).run(isoTime(now, 'now'), tenant, id))
        .changes === 1,
    async list(tenant, options) {
      const q = approvalListQuery('airlock_approvals', tenant, options, () => '?')
      return q.readPage(c.read('approvals.list', () => c.stmt(q.sql).all(...q.params)) as ApprovalRow[])
    },
    approve: async (tenant, id, vote, now) => decide(c, 'approve', tenant, id, vote, now),
    reject: async (tenant, id, vote, now) => decide(c, 'reject', tenant, id, vote, now),
    async startExecution(tenant, id, now) {
      isoTime(now, 'now')
      return transition(c, 'approvals.startExecution', START, [tenant, id])
    },
    expireOne: async (tenant, id, now) =>
      transition(c, 'approvals.expireOne', EXPIRE_ONE, [isoTime(now, 'now'), tenant, id]),
    complete: async (tenant, id, status, outcome, now) => complete(c, tenant, id, status, outcome, now),
    async expire(now) {
      const at = isoTime(now, 'now')
      const rows = c.read('approvals.expire', () => c.stmt(EXPIRE_DUE).all(at, at)) as ApprovalRow[]
      return rows.map(rowToApproval)
    },
    async countPending() {
      const row = c.read('approvals.countPending', () => c.stmt(COUNT_PENDING).get()) as { n: number }
      return row.n
    },
  }
}
