/**
 * An in-memory {@link Store}: the reference behaviour for tests and demos.
 *
 * @remarks Every operation runs to completion without yielding, so on the
 * single JavaScript thread each one is atomic and the concurrency contract
 * of {@link Store} holds within one process. Nothing survives a restart and
 * nothing is shared between processes.
 *
 * @module
 */

import { AirlockError } from '../../errors/airlock-error.js'
import { ErrorCode } from '../../errors/error-codes.js'
import { approvalToRow, newApproval, rowToApproval } from '../internal/approval-row.js'
import { castVote, normaliseVote } from '../internal/cast-vote.js'
import { decodeCursor, encodeCursor } from '../internal/cursor.js'
import { isoTime } from '../internal/iso-time.js'
import { checkLimit, MAX_LIST_LIMIT } from '../internal/limit.js'
import { badRequest } from '../internal/store-error.js'
import { sequentialBatch } from '../internal/write-ops.js'
import type {
  Approval,
  ApprovalListOptions,
  ApprovalStatus,
  ApprovalStore,
  ApprovalVote,
  ClaimResult,
  IdempotencyClaimRequest,
  IdempotencyScope,
  IdempotencyStore,
  NonceStore,
  Page,
  Store,
  VoteResult,
} from '../store.js'
import { memoryAudit } from './memory-audit.js'
import { memoryFreezes } from './memory-freezes.js'
import { memoryMerkle } from './memory-merkle.js'
import { memoryPolicyHead } from './memory-policy-head.js'
import { memoryShipperCursors } from './memory-shipper-cursors.js'

interface IdempotencyRecord {
  fingerprint: string
  owner: string
  state: 'in_flight' | 'completed'
  lease_until: string
  outcome: string | null
  expires_at: string | null
}

// Approvals are kept as rows, exactly as the SQL backends store them, so a
// caller mutating a returned object can never change the stored state.
function copy(a: Approval): Approval {
  return rowToApproval(approvalToRow(a))
}

function scopeKey(scope: IdempotencyScope): string {
  return JSON.stringify([scope.tenant_id, scope.action, scope.key])
}

function memoryApprovals(): ApprovalStore {
  const byId = new Map<string, Approval>()
  const noticed = new Set<string>()

  const vote = (tenant: string, id: string, kind: 'approve' | 'reject', v: ApprovalVote, now: string) => {
    const current = byId.get(id)
    if (!current || current.tenant_id !== tenant) return { kind: 'not_found' } as const
    const effect = castVote(current, kind, normaliseVote(v), isoTime(now, 'now'))
    if (effect.next) byId.set(id, copy(effect.next))
    return copyResult(effect.result)
  }

  const transition = (
    tenant: string,
    id: string,
    from: readonly ApprovalStatus[],
    change: (a: Approval) => Approval,
  ): Approval | null => {
    const current = byId.get(id)
    if (!current || current.tenant_id !== tenant || !from.includes(current.status)) return null
    const next = copy(change(current))
    byId.set(id, next)
    return copy(next)
  }

  return {
    async create(input) {
      const approval = newApproval(input)
      if (byId.has(approval.id)) {
        throw new AirlockError(ErrorCode.INTERNAL, `approval ${approval.id} already exists`)
      }
      byId.set(approval.id, copy(approval))
      return copy(approval)
    },
    async get(tenant, id) {
      const found = byId.get(id)
      return found && found.tenant_id === tenant ? copy(found) : null
    },
    async claimNotice(tenant, id, now) {
      isoTime(now, 'now')
      if (byId.get(id)?.tenant_id !== tenant || noticed.has(id)) return false
      noticed.add(id)
      return true
    },
    async forKey(tenant, action, key, requester) {
      const open = [...byId.values()].filter(
        (a) =>
          a.tenant_id === tenant &&
          a.action === action &&
          a.idempotency_key === key &&
          a.requester === requester,
      )
      open.sort((a, b) => (a.created_at === b.created_at ? 0 : a.created_at < b.created_at ? 1 : -1))
      return open[0] ? copy(open[0]) : null
    },
    async list(tenant, options: ApprovalListOptions): Promise<Page<Approval>> {
      const limit = checkLimit(options.limit, MAX_LIST_LIMIT)
      const filter = {
        tenant_id: tenant,
        status: options.status ?? null,
        requester: options.requester ?? null,
      }
      let rows = [...byId.values()].filter(
        (a) =>
          a.tenant_id === tenant &&
          (options.status === undefined || a.status === options.status) &&
          (options.requester === undefined || a.requester === options.requester),
      )
      rows.sort((a, b) => compareDesc(a.created_at, b.created_at) || compareDesc(a.id, b.id))
      if (options.cursor) {
        const [createdAt, id] = decodeCursor('approvals', filter, options.cursor, ['string', 'string']) as [
          string,
          string,
        ]
        rows = rows.filter((a) => a.created_at < createdAt || (a.created_at === createdAt && a.id < id))
      }
      const items = rows.slice(0, limit).map(copy)
      const last = items.at(-1)
      const next_cursor =
        rows.length > limit && last ? encodeCursor('approvals', filter, [last.created_at, last.id]) : null
      return { items, next_cursor }
    },
    async approve(tenant, id, v, now): Promise<VoteResult> {
      return vote(tenant, id, 'approve', v, now)
    },
    async reject(tenant, id, v, now): Promise<VoteResult> {
      return vote(tenant, id, 'reject', v, now)
    },
    async startExecution(tenant, id, now) {
      isoTime(now, 'now')
      return transition(tenant, id, ['approved'], (a) => ({ ...a, status: 'executing' }))
    },
    async expireOne(tenant, id, now) {
      const at = isoTime(now, 'now')
      return transition(tenant, id, ['pending'], (a) => ({ ...a, status: 'expired', decided_at: at }))
    },
    async complete(tenant, id, status, outcome, now) {
      const at = isoTime(now, 'now')
      if (status !== 'executed' && status !== 'failed')
        throw badRequest(`cannot complete as ${String(status)}`)
      return transition(tenant, id, ['approved', 'executing'], (a) => ({
        ...a,
        status,
        outcome,
        completed_at: at,
      }))
    },
    async expire(now) {
      const at = isoTime(now, 'now')
      const expired: Approval[] = []
      for (const a of byId.values()) {
        if (a.status === 'pending' && a.expires_at <= at) {
          const next = copy({ ...a, status: 'expired', decided_at: at })
          byId.set(a.id, next)
          expired.push(copy(next))
        }
      }
      return expired
    },
    async countPending() {
      let n = 0
      for (const a of byId.values()) if (a.status === 'pending') n++
      return n
    },
  }
}

function compareDesc(a: string, b: string): number {
  return a < b ? 1 : a > b ? -1 : 0
}

function copyResult(result: VoteResult): VoteResult {
  return 'approval' in result ? { ...result, approval: copy(result.approval) } : result
}

function memoryIdempotency(): IdempotencyStore {
  const records = new Map<string, IdempotencyRecord>()
  // The live claim `owner` holds on the scope, if any.
  const held = (scope: IdempotencyScope, owner: string) => {
    const record = records.get(scopeKey(scope))
    return record?.state === 'in_flight' && record.owner === owner ? record : undefined
  }
  return {
    async claim(request: IdempotencyClaimRequest): Promise<ClaimResult> {
      const now = isoTime(request.now, 'now')
      const lease_until = isoTime(request.lease_until, 'lease_until')
      const key = scopeKey(request)
      const existing = records.get(key)
      const fresh: IdempotencyRecord = {
        fingerprint: request.fingerprint,
        owner: request.owner,
        state: 'in_flight',
        lease_until,
        outcome: null,
        expires_at: null,
      }
      if (!existing) {
        records.set(key, fresh)
        return { kind: 'claimed', recovered: false }
      }
      if (existing.state === 'completed') {
        if (existing.expires_at !== null && existing.expires_at <= now) {
          records.set(key, fresh)
          return { kind: 'claimed', recovered: false }
        }
        return { kind: 'completed', fingerprint: existing.fingerprint, outcome: existing.outcome ?? '' }
      }
      if (existing.lease_until <= now && existing.fingerprint === request.fingerprint) {
        records.set(key, fresh)
        return { kind: 'claimed', recovered: true }
      }
      return { kind: 'in_flight', fingerprint: existing.fingerprint }
    },
    async complete(scope, owner, outcome, expires_at) {
      if (typeof outcome !== 'string') throw badRequest('idempotency outcome must be serialised JSON text')
      const expires = isoTime(expires_at, 'expires_at')
      const existing = held(scope, owner)
      if (!existing) return false
      records.set(scopeKey(scope), { ...existing, state: 'completed', outcome, expires_at: expires })
      return true
    },
    async extend(scope, owner, lease_until) {
      const lease = isoTime(lease_until, 'lease_until')
      const existing = held(scope, owner)
      if (!existing) return false
      existing.lease_until = lease
      return true
    },
    async release(scope, owner) {
      const existing = records.get(scopeKey(scope))
      if (existing && existing.state === 'in_flight' && existing.owner === owner)
        records.delete(scopeKey(scope))
    },
    async get(scope) {
      const existing = records.get(scopeKey(scope))
      return existing
        ? { fingerprint: existing.fingerprint, state: existing.state, outcome: existing.outcome }
        : null
    },
    async purge(now, abandoned_before) {
      const at = isoTime(now, 'now')
      const abandoned = abandoned_before === undefined ? '' : isoTime(abandoned_before, 'abandoned_before')
      let count = 0
      for (const [key, record] of records) {
        const expired = record.state === 'completed' && record.expires_at !== null && record.expires_at <= at
        if (expired || (record.state === 'in_flight' && record.lease_until < abandoned)) {
          records.delete(key)
          count++
        }
      }
      return count
    },
  }
}

function memoryNonces(): NonceStore {
  const nonces = new Map<string, string>()
  return {
    async consume(nonce, expires_at) {
      if (typeof nonce !== 'string' || nonce === '') throw badRequest('nonce must be a non-empty string')
      const expires = isoTime(expires_at, 'expires_at')
      if (nonces.has(nonce)) return false
      nonces.set(nonce, expires)
      return true
    },
    async purge(now) {
      const at = isoTime(now, 'now')
      let count = 0
      for (const [nonce, expires] of nonces) {
        if (expires < at) {
          nonces.delete(nonce)
          count++
        }
      }
      return count
    },
  }
}

/**
 * Creates an in-memory store.
 *
 * @example
 * ```ts
 * const store = memoryStore()
 * await store.migrate() // a no-op, for symmetry with the SQL stores
 * ```
 */
export function memoryStore(): Store {
  const audit = memoryAudit()
  const idempotency = memoryIdempotency()
  return {
    kind: 'memory',
    approvals: memoryApprovals(),
    idempotency,
    nonces: memoryNonces(),
    freezes: memoryFreezes(),
    policy_head: memoryPolicyHead(),
    audit,
    merkle: memoryMerkle(audit),
    shipping: memoryShipperCursors(),
    batch: (ops) => sequentialBatch({ idempotency, audit }, ops),
    async migrate() {},
    async ping() {},
    async close() {},
  }
}
