/**
 * One behavioural suite for every {@link Store} implementation.
 *
 * @module
 */
import { randomBytes } from 'node:crypto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { AuditEvent, AuditEventInput } from '../../src/audit/audit-event.js'
import { AuditWriter } from '../../src/audit/audit-writer.js'
import { GENESIS_HASH } from '../../src/audit/hash-chain.js'
import { verifyStore } from '../../src/audit/verify-chain.js'
import { AirlockError } from '../../src/errors/airlock-error.js'
import type {
  Approval,
  ApprovalVote,
  ClaimResult,
  NewApproval,
  Store,
  VoteResult,
} from '../../src/store/store.js'

const T0 = '2030-01-01T00:00:00.000Z'

/** `T0` plus `seconds`. */
export function at(seconds: number): string {
  return new Date(Date.parse(T0) + seconds * 1000).toISOString()
}

function hex(bytes: number): string {
  return randomBytes(bytes).toString('hex')
}

/** A new approval with sensible defaults. */
export function sampleApproval(overrides: Partial<NewApproval> = {}): NewApproval {
  return {
    id: `apr-${hex(12)}`,
    tenant_id: 'acme',
    action: 'deploy',
    target: 'prod/api',
    requester: 'alice',
    requester_roles: ['dev'],
    decision: 'require_approval',
    reason: 'production deploys need a second pair of eyes',
    rule: 'prod-deploys',
    risk_class: 'high',
    effective_risk: 'critical',
    inputs: { version: '1.2.3', replicas: 3, password: '[REDACTED]' },
    sealed_inputs: 'v1.k0.sealed',
    idempotency_key: null,
    ticket_id: null,
    request_id: `req-${hex(8)}`,
    required_approvals: 1,
    created_at: T0,
    expires_at: at(3600),
    ...overrides,
  }
}

/** An audit event with sensible defaults. */
export function sampleEvent(overrides: Partial<AuditEventInput> = {}): AuditEventInput {
  return {
    id: `evt-${hex(12)}`,
    ts: T0,
    tenant_id: 'acme',
    request_id: `req-${hex(8)}`,
    status: 'allowed',
    action: 'deploy',
    actor: 'alice',
    target: 'prod/api',
    decision: 'allow',
    reason: 'ok',
    rule: 'r1',
    risk_class: 'low',
    effective_risk: 'low',
    inputs: { version: '1.2.3' },
    result: null,
    error: null,
    approval_id: null,
    approver: null,
    idempotency_key: null,
    ticket_id: null,
    context: null,
    ...overrides,
  }
}

function vote(approver: string, seconds = 10, comment: string | null = null): ApprovalVote {
  return { approver, comment, at: at(seconds) }
}

async function expectCode(promise: Promise<unknown>, code: string, message?: RegExp): Promise<void> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  )
  expect(AirlockError.isInstance(error), `expected an AirlockError ${code}, got ${String(error)}`).toBe(true)
  expect((error as AirlockError).code).toBe(code)
  if (message) expect((error as AirlockError).message).toMatch(message)
}

function claimRequest(overrides: Partial<Parameters<Store['idempotency']['claim']>[0]> = {}) {
  return {
    tenant_id: 'acme',
    action: 'deploy',
    key: 'key-1',
    fingerprint: 'fp-a',
    owner: `own-${hex(6)}`,
    lease_until: at(30),
    now: at(0),
    ...overrides,
  }
}

/** Runs the whole store contract against stores made by `makeStore` (one fresh, unmigrated store per test). */
export function describeStoreConformance(name: string, makeStore: () => Promise<Store>): void {
  describe(`${name} store conformance`, () => {
    let store: Store

    beforeEach(async () => {
      store = await makeStore()
      await store.migrate()
    })

    afterEach(async () => {
      await store.close()
    })

    describe('lifecycle', () => {
      it('answers ping and tolerates a second migrate', async () => {
        await store.ping()
        await store.migrate()
        await Promise.all([store.migrate(), store.migrate()])
        expect(await store.audit.head()).toBeNull()
      })
    })

    describe('approvals', () => {
      it('creates a pending approval and reads back exactly what was stored', async () => {
        const input = sampleApproval({
          inputs: { n: 1.5, big: 1e21, nested: { list: [1, 'two', null] }, s: 'é🙂' },
        })
        const created = await store.approvals.create(input)
        expect(created).toMatchObject({
          ...input,
          status: 'pending',
          votes: [],
          decided_by: null,
          outcome: null,
        })
        expect(await store.approvals.get('acme', input.id)).toEqual(created)
      })

      it('refuses a second approval with the same id', async () => {
        const input = sampleApproval()
        await store.approvals.create(input)
        await expectCode(store.approvals.create(input), 'INTERNAL', /already exists/)
      })

      it('never shows or lets a tenant decide another tenant’s approval', async () => {
        const a = await store.approvals.create(sampleApproval({ tenant_id: 'acme' }))
        expect(await store.approvals.get('globex', a.id)).toBeNull()
        expect((await store.approvals.list('globex', { limit: 10 })).items).toEqual([])
        expect(await store.approvals.approve('globex', a.id, vote('mallory'), at(1))).toEqual({
          kind: 'not_found',
        })
        expect(await store.approvals.reject('globex', a.id, vote('mallory'), at(1))).toEqual({
          kind: 'not_found',
        })
        await store.approvals.approve('acme', a.id, vote('bob'), at(1))
        expect(await store.approvals.complete('globex', a.id, 'executed', { ok: true }, at(2))).toBeNull()
        expect((await store.approvals.get('acme', a.id))?.status).toBe('approved')
      })

      it('finds the newest approval held under an idempotency key, in its tenant and action only', async () => {
        const key = { idempotency_key: 'k-1' }
        await store.approvals.create(sampleApproval({ ...key, created_at: at(1) }))
        const newer = await store.approvals.create(sampleApproval({ ...key, created_at: at(2) }))
        await store.approvals.create(sampleApproval({ ...key, created_at: at(3), action: 'rollback' }))
        await store.approvals.create(sampleApproval({ ...key, created_at: at(4), tenant_id: 'globex' }))
        await store.approvals.create(sampleApproval({ created_at: at(5) }))
        expect((await store.approvals.forKey('acme', 'deploy', 'k-1', 'alice'))?.id).toBe(newer.id)
        expect(await store.approvals.forKey('acme', 'deploy', 'k-2', 'alice')).toBeNull()
      })

      it('finds each requester its own approval when two hold under the same key and action', async () => {
        const key = { idempotency_key: 'k-1' }
        const alices = await store.approvals.create(sampleApproval({ ...key, created_at: at(1) }))
        const bobs = await store.approvals.create(
          sampleApproval({ ...key, created_at: at(2), requester: 'bob' }),
        )
        expect((await store.approvals.forKey('acme', 'deploy', 'k-1', 'alice'))?.id).toBe(alices.id)
        expect((await store.approvals.forKey('acme', 'deploy', 'k-1', 'bob'))?.id).toBe(bobs.id)
        expect(await store.approvals.forKey('acme', 'deploy', 'k-1', 'carol')).toBeNull()
      })

      it('gives the right to notify about an approval to exactly one of 20 concurrent callers, once', async () => {
        const a = await store.approvals.create(sampleApproval())
        const wins = await Promise.all(
          Array.from({ length: 20 }, () => store.approvals.claimNotice('acme', a.id, at(1))),
        )
        expect(wins.filter(Boolean)).toHaveLength(1)
        expect(await store.approvals.claimNotice('acme', a.id, at(2))).toBe(false)
        const b = await store.approvals.create(sampleApproval())
        expect(await store.approvals.claimNotice('globex', b.id, at(1))).toBe(false)
        expect(await store.approvals.claimNotice('acme', 'apr-nope', at(1))).toBe(false)
        expect(await store.approvals.claimNotice('acme', b.id, at(1))).toBe(true)
      })

      it('answers not_found for an unknown id', async () => {
        expect(await store.approvals.approve('acme', 'apr-nope', vote('bob'), at(1))).toEqual({
          kind: 'not_found',
        })
      })

      it('lists newest first and pages through every approval once', async () => {
        const made: Approval[] = []
        for (let i = 0; i < 7; i++) {
          // Two share a creation time, so the id breaks the tie.
          made.push(await store.approvals.create(sampleApproval({ created_at: at(i === 6 ? 5 : i) })))
        }
        const seen: string[] = []
        let cursor: string | null = null
        let pages = 0
        do {
          const page = await store.approvals.list('acme', { limit: 3, cursor })
          seen.push(...page.items.map((a) => a.id))
          cursor = page.next_cursor
          pages++
        } while (cursor)
        expect(pages).toBe(3)
        const expected = [...made]
          .sort((a, b) =>
            a.created_at === b.created_at ? (a.id < b.id ? 1 : -1) : a.created_at < b.created_at ? 1 : -1,
          )
          .map((a) => a.id)
        expect(seen).toEqual(expected)
      })

      it('filters the list by status', async () => {
        const a = await store.approvals.create(sampleApproval({ created_at: at(1) }))
        const b = await store.approvals.create(sampleApproval({ created_at: at(2) }))
        await store.approvals.reject('acme', a.id, vote('bob'), at(3))
        const pending = await store.approvals.list('acme', { status: 'pending', limit: 10 })
        expect(pending.items.map((x) => x.id)).toEqual([b.id])
        expect(pending.next_cursor).toBeNull()
        const rejected = await store.approvals.list('acme', { status: 'rejected', limit: 10 })
        expect(rejected.items.map((x) => x.id)).toEqual([a.id])
      })

      it('rejects a garbage cursor, a cursor from another filter and a bad limit', async () => {
        for (let i = 0; i < 3; i++) await store.approvals.create(sampleApproval({ created_at: at(i) }))
        const page = await store.approvals.list('acme', { limit: 1 })
        expect(page.next_cursor).not.toBeNull()
        await expectCode(
          store.approvals.list('acme', { limit: 1, cursor: 'not a cursor!' }),
          'BAD_REQUEST',
          /cursor/,
        )
        await expectCode(
          store.approvals.list('acme', { limit: 1, cursor: Buffer.from('[1,2]').toString('base64url') }),
          'BAD_REQUEST',
          /cursor/,
        )
        await expectCode(
          store.approvals.list('acme', { status: 'pending', limit: 1, cursor: page.next_cursor }),
          'BAD_REQUEST',
          /different approvals filter/,
        )
        await expectCode(
          store.approvals.list('globex', { limit: 1, cursor: page.next_cursor }),
          'BAD_REQUEST',
          /different approvals filter/,
        )
        await expectCode(store.approvals.list('acme', { limit: 0 }), 'BAD_REQUEST', /limit/)
      })

      it('approves on the first vote when one approval is required', async () => {
        const a = await store.approvals.create(sampleApproval())
        const result = await store.approvals.approve('acme', a.id, vote('bob', 10, 'looks fine'), at(10))
        expect(result.kind).toBe('counted')
        const approval = (result as Extract<VoteResult, { kind: 'counted' }>).approval
        expect(approval).toMatchObject({
          status: 'approved',
          decided_by: 'bob',
          comment: 'looks fine',
          decided_at: at(10),
          votes: [{ approver: 'bob', comment: 'looks fine', at: at(10) }],
        })
        expect(await store.approvals.get('acme', a.id)).toEqual(approval)
        expect(await store.approvals.approve('acme', a.id, vote('carol'), at(11))).toEqual({
          kind: 'already_decided',
          status: 'approved',
        })
        expect(await store.approvals.reject('acme', a.id, vote('carol'), at(11))).toEqual({
          kind: 'already_decided',
          status: 'approved',
        })
      })

      it('waits for a quorum of distinct approvers and ignores a repeated vote', async () => {
        const a = await store.approvals.create(sampleApproval({ required_approvals: 2 }))
        const first = await store.approvals.approve('acme', a.id, vote('bob'), at(1))
        expect(first).toMatchObject({ kind: 'counted', approval: { status: 'pending', decided_by: null } })
        const again = await store.approvals.approve('acme', a.id, vote('bob', 2), at(2))
        expect(again.kind).toBe('duplicate_vote')
        expect((again as Extract<VoteResult, { kind: 'duplicate_vote' }>).approval.votes).toHaveLength(1)
        const second = await store.approvals.approve('acme', a.id, vote('carol', 3), at(3))
        expect(second).toMatchObject({
          kind: 'counted',
          approval: { status: 'approved', decided_by: 'carol' },
        })
        expect((await store.approvals.get('acme', a.id))?.votes.map((v) => v.approver)).toEqual([
          'bob',
          'carol',
        ])
      })

      it('rejects a pending approval, even one with votes', async () => {
        const a = await store.approvals.create(sampleApproval({ required_approvals: 2 }))
        await store.approvals.approve('acme', a.id, vote('bob'), at(1))
        const result = await store.approvals.reject('acme', a.id, vote('carol', 2, 'not today'), at(2))
        expect(result).toMatchObject({
          kind: 'counted',
          approval: { status: 'rejected', decided_by: 'carol', comment: 'not today', decided_at: at(2) },
        })
        expect(await store.approvals.approve('acme', a.id, vote('dave'), at(3))).toEqual({
          kind: 'already_decided',
          status: 'rejected',
        })
      })

      it('treats a vote at or after expires_at as too late and marks the approval expired', async () => {
        const a = await store.approvals.create(sampleApproval({ expires_at: at(60) }))
        expect(await store.approvals.approve('acme', a.id, vote('bob', 60), at(60))).toEqual({
          kind: 'already_decided',
          status: 'expired',
        })
        expect((await store.approvals.get('acme', a.id))?.status).toBe('expired')
        expect(await store.approvals.reject('acme', a.id, vote('bob', 61), at(61))).toEqual({
          kind: 'already_decided',
          status: 'expired',
        })
      })

      it('expires exactly the pending approvals whose time has passed', async () => {
        const old = await store.approvals.create(sampleApproval({ expires_at: at(60) }))
        const live = await store.approvals.create(sampleApproval({ expires_at: at(600) }))
        const decided = await store.approvals.create(sampleApproval({ expires_at: at(60) }))
        const other = await store.approvals.create(
          sampleApproval({ tenant_id: 'globex', expires_at: at(30) }),
        )
        await store.approvals.approve('acme', decided.id, vote('bob'), at(5))
        expect(await store.approvals.countPending()).toBe(3)
        const expired = await store.approvals.expire(at(120))
        expect(expired.map((a) => a.id).sort()).toEqual([old.id, other.id].sort())
        expect(expired.every((a) => a.status === 'expired' && a.decided_at === at(120))).toBe(true)
        expect((await store.approvals.get('acme', live.id))?.status).toBe('pending')
        expect((await store.approvals.get('acme', decided.id))?.status).toBe('approved')
        expect(await store.approvals.expire(at(120))).toEqual([])
        expect(await store.approvals.countPending()).toBe(1)
      })

      it('completes an approved request once, keeping the outcome', async () => {
        const a = await store.approvals.create(sampleApproval())
        expect(await store.approvals.complete('acme', a.id, 'executed', { ok: true }, at(1))).toBeNull()
        await store.approvals.approve('acme', a.id, vote('bob'), at(1))
        const done = await store.approvals.complete(
          'acme',
          a.id,
          'executed',
          { ok: true, n: [1, 2.5] },
          at(2),
        )
        expect(done).toMatchObject({
          status: 'executed',
          outcome: { ok: true, n: [1, 2.5] },
          completed_at: at(2),
        })
        expect(await store.approvals.complete('acme', a.id, 'failed', { ok: false }, at(3))).toBeNull()
        expect(await store.approvals.get('acme', a.id)).toEqual(done)
      })

      it('hands an approved request to exactly one executor, then completes it', async () => {
        const a = await store.approvals.create(sampleApproval())
        expect(await store.approvals.startExecution('acme', a.id, at(1))).toBeNull()
        await store.approvals.approve('acme', a.id, vote('bob'), at(1))
        expect(await store.approvals.startExecution('globex', a.id, at(2))).toBeNull()
        const starts = await Promise.all(
          Array.from({ length: 10 }, () => store.approvals.startExecution('acme', a.id, at(2))),
        )
        const winners = starts.filter((r) => r !== null)
        expect(winners).toHaveLength(1)
        expect(winners[0]).toMatchObject({ status: 'executing', decided_by: 'bob' })
        const done = await store.approvals.complete('acme', a.id, 'failed', { error: 'boom' }, at(3))
        expect(done).toMatchObject({ status: 'failed', outcome: { error: 'boom' }, completed_at: at(3) })
        expect(await store.approvals.startExecution('acme', a.id, at(4))).toBeNull()
      })

      it('expires one pending approval on demand, once, and only in its tenant', async () => {
        const a = await store.approvals.create(sampleApproval({ expires_at: at(3600) }))
        expect(await store.approvals.expireOne('globex', a.id, at(5))).toBeNull()
        const results = await Promise.all([
          store.approvals.expireOne('acme', a.id, at(5)),
          store.approvals.expireOne('acme', a.id, at(5)),
          store.approvals.approve('acme', a.id, vote('bob', 5), at(5)),
        ])
        const expiredWins = results.slice(0, 2).filter((r) => r !== null).length
        const approveWon = (results[2] as VoteResult).kind === 'counted'
        expect(expiredWins + (approveWon ? 1 : 0)).toBe(1)
        const final = await store.approvals.get('acme', a.id)
        expect(final?.status).toBe(approveWon ? 'approved' : 'expired')
        if (!approveWon) expect(final?.decided_at).toBe(at(5))
      })

      it('rejects times that are not ISO-8601', async () => {
        await expectCode(
          store.approvals.create(sampleApproval({ expires_at: 'tomorrow' })),
          'BAD_REQUEST',
          /expires_at/,
        )
      })

      it('lets exactly one of 20 concurrent approvers decide', async () => {
        const a = await store.approvals.create(sampleApproval())
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            store.approvals.approve('acme', a.id, vote(`approver-${i}`), at(5)),
          ),
        )
        const winners = results.filter((r) => r.kind === 'counted')
        expect(winners).toHaveLength(1)
        expect(results.filter((r) => r.kind === 'already_decided')).toHaveLength(19)
        expect((await store.approvals.get('acme', a.id))?.votes).toHaveLength(1)
      })

      it('counts exactly a quorum of concurrent votes and reports the transition once', async () => {
        const a = await store.approvals.create(sampleApproval({ required_approvals: 3 }))
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            store.approvals.approve('acme', a.id, vote(`approver-${i}`), at(5)),
          ),
        )
        const counted = results.filter((r) => r.kind === 'counted')
        expect(counted).toHaveLength(3)
        expect(counted.filter((r) => r.approval.status === 'approved')).toHaveLength(1)
        expect((await store.approvals.get('acme', a.id))?.votes).toHaveLength(3)
      })

      it('lets exactly one of concurrent approvers and rejecters win', async () => {
        const a = await store.approvals.create(sampleApproval())
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            i % 2 === 0
              ? store.approvals.approve('acme', a.id, vote(`p-${i}`), at(5))
              : store.approvals.reject('acme', a.id, vote(`p-${i}`), at(5)),
          ),
        )
        expect(results.filter((r) => r.kind === 'counted')).toHaveLength(1)
      })

      it('completes an approval for exactly one of 10 concurrent callers', async () => {
        const a = await store.approvals.create(sampleApproval())
        await store.approvals.approve('acme', a.id, vote('bob'), at(1))
        const results = await Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            store.approvals.complete('acme', a.id, 'executed', { i }, at(2)),
          ),
        )
        expect(results.filter((r) => r !== null)).toHaveLength(1)
      })
    })

    describe('idempotency', () => {
      const scope = { tenant_id: 'acme', action: 'deploy', key: 'key-1' }

      it('gives the first caller the claim and later callers in_flight with the fingerprint', async () => {
        expect(await store.idempotency.claim(claimRequest({ owner: 'o1' }))).toEqual({
          kind: 'claimed',
          recovered: false,
        })
        expect(await store.idempotency.claim(claimRequest({ owner: 'o2', fingerprint: 'fp-b' }))).toEqual({
          kind: 'in_flight',
          fingerprint: 'fp-a',
        })
        expect(await store.idempotency.get(scope)).toEqual({
          fingerprint: 'fp-a',
          state: 'in_flight',
          outcome: null,
        })
      })

      it('replays the stored outcome byte for byte', async () => {
        const outcome = '{"b": 1.0,  "a":"caf\\u00e9 🙂",\n"z":[1e2]}'
        await store.idempotency.claim(claimRequest({ owner: 'o1' }))
        expect(await store.idempotency.complete(scope, 'o1', outcome, at(86_400), at(1))).toBe(true)
        for (let i = 0; i < 2; i++) {
          const replay = (await store.idempotency.claim(
            claimRequest({ owner: `o${i + 2}`, now: at(2) }),
          )) as ClaimResult
          expect(replay).toEqual({ kind: 'completed', fingerprint: 'fp-a', outcome })
        }
        expect(await store.idempotency.get(scope)).toEqual({
          fingerprint: 'fp-a',
          state: 'completed',
          outcome,
        })
      })

      it('refuses to complete or extend for a caller that does not hold the claim', async () => {
        await store.idempotency.claim(claimRequest({ owner: 'o1' }))
        expect(await store.idempotency.complete(scope, 'o2', '{}', at(100), at(1))).toBe(false)
        expect(await store.idempotency.extend(scope, 'o2', at(100))).toBe(false)
        expect((await store.idempotency.get(scope))?.state).toBe('in_flight')
      })

      it('lets one caller take over an expired lease, after which the old holder cannot complete', async () => {
        await store.idempotency.claim(claimRequest({ owner: 'o1', lease_until: at(30) }))
        expect(await store.idempotency.claim(claimRequest({ owner: 'o2', now: at(29) }))).toEqual({
          kind: 'in_flight',
          fingerprint: 'fp-a',
        })
        expect(
          await store.idempotency.claim(claimRequest({ owner: 'o2', now: at(30), lease_until: at(60) })),
        ).toEqual({ kind: 'claimed', recovered: true })
        expect(await store.idempotency.complete(scope, 'o1', '"late"', at(100), at(31))).toBe(false)
        expect(await store.idempotency.complete(scope, 'o2', '"done"', at(100), at(31))).toBe(true)
        expect((await store.idempotency.get(scope))?.outcome).toBe('"done"')
      })

      it('does not hand an expired lease to a request with different inputs', async () => {
        await store.idempotency.claim(claimRequest({ owner: 'o1', lease_until: at(30) }))
        expect(
          await store.idempotency.claim(claimRequest({ owner: 'o2', fingerprint: 'fp-b', now: at(90) })),
        ).toEqual({
          kind: 'in_flight',
          fingerprint: 'fp-a',
        })
      })

      it('keeps an extended lease from being taken over', async () => {
        await store.idempotency.claim(claimRequest({ owner: 'o1', lease_until: at(30) }))
        expect(await store.idempotency.extend(scope, 'o1', at(120))).toBe(true)
        expect((await store.idempotency.claim(claimRequest({ owner: 'o2', now: at(60) }))).kind).toBe(
          'in_flight',
        )
      })

      it('frees the key when the holder releases it, and only then', async () => {
        await store.idempotency.claim(claimRequest({ owner: 'o1' }))
        await store.idempotency.release(scope, 'o2')
        expect((await store.idempotency.get(scope))?.state).toBe('in_flight')
        await store.idempotency.release(scope, 'o1')
        expect(await store.idempotency.get(scope)).toBeNull()
        expect(await store.idempotency.claim(claimRequest({ owner: 'o3', fingerprint: 'fp-b' }))).toEqual({
          kind: 'claimed',
          recovered: false,
        })
      })

      it('keeps keys apart by tenant and action', async () => {
        const results = await Promise.all([
          store.idempotency.claim(claimRequest({ tenant_id: 'acme' })),
          store.idempotency.claim(claimRequest({ tenant_id: 'globex' })),
          store.idempotency.claim(claimRequest({ action: 'rollback' })),
        ])
        expect(results.every((r) => r.kind === 'claimed')).toBe(true)
      })

      it('purges completed records past retention and lets their key be claimed afresh', async () => {
        await store.idempotency.claim(claimRequest({ key: 'old', owner: 'o1' }))
        await store.idempotency.complete({ ...scope, key: 'old' }, 'o1', '1', at(100), at(1))
        await store.idempotency.claim(claimRequest({ key: 'kept', owner: 'o2' }))
        await store.idempotency.complete({ ...scope, key: 'kept' }, 'o2', '2', at(1000), at(1))
        await store.idempotency.claim(claimRequest({ key: 'running', owner: 'o3', lease_until: at(10) }))
        expect(
          await store.idempotency.claim(claimRequest({ key: 'old', fingerprint: 'fp-new', now: at(100) })),
        ).toEqual({ kind: 'claimed', recovered: false })
        await store.idempotency.release({ ...scope, key: 'old' }, 'o1')
        expect((await store.idempotency.get({ ...scope, key: 'old' }))?.fingerprint).toBe('fp-new')
        expect(await store.idempotency.purge(at(2000))).toBe(1)
        expect(await store.idempotency.get({ ...scope, key: 'kept' })).toBeNull()
        expect((await store.idempotency.get({ ...scope, key: 'running' }))?.state).toBe('in_flight')
      })

      it('purges an in-flight claim whose lease ended before abandoned_before, and only when asked to', async () => {
        await store.idempotency.claim(claimRequest({ key: 'dead', owner: 'o1', lease_until: at(10) }))
        await store.idempotency.claim(claimRequest({ key: 'alive', owner: 'o2', lease_until: at(500) }))
        expect(await store.idempotency.purge(at(1000))).toBe(0)
        expect(await store.idempotency.purge(at(1000), at(10))).toBe(0)
        expect(await store.idempotency.purge(at(1000), at(100))).toBe(1)
        expect(await store.idempotency.get({ ...scope, key: 'dead' })).toBeNull()
        expect((await store.idempotency.get({ ...scope, key: 'alive' }))?.state).toBe('in_flight')
        await expect(store.idempotency.purge(at(1000), 'yesterday')).rejects.toMatchObject({
          code: 'BAD_REQUEST',
        })
        // Freed, the key takes a claim with other inputs.
        expect(await store.idempotency.claim(claimRequest({ key: 'dead', fingerprint: 'fp-other' }))).toEqual(
          {
            kind: 'claimed',
            recovered: false,
          },
        )
      })

      it('gives exactly one of 50 concurrent claims the key', async () => {
        const results = await Promise.all(
          Array.from({ length: 50 }, (_, i) => store.idempotency.claim(claimRequest({ owner: `o${i}` }))),
        )
        expect(results.filter((r) => r.kind === 'claimed')).toHaveLength(1)
        expect(results.filter((r) => r.kind === 'in_flight')).toHaveLength(49)
      })

      it('gives an expired lease to exactly one of 20 concurrent claimants', async () => {
        await store.idempotency.claim(claimRequest({ owner: 'dead', lease_until: at(10) }))
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            store.idempotency.claim(claimRequest({ owner: `o${i}`, now: at(20), lease_until: at(50) })),
          ),
        )
        expect(results.filter((r) => r.kind === 'claimed')).toEqual([{ kind: 'claimed', recovered: true }])
      })
    })

    describe('nonces', () => {
      it('accepts a nonce once', async () => {
        expect(await store.nonces.consume('n-1', at(60))).toBe(true)
        expect(await store.nonces.consume('n-1', at(60))).toBe(false)
        expect(await store.nonces.consume('n-2', at(60))).toBe(true)
      })

      it('forgets only nonces whose expiry has passed', async () => {
        await store.nonces.consume('old', at(10))
        await store.nonces.consume('live', at(100))
        expect(await store.nonces.purge(at(50))).toBe(1)
        expect(await store.nonces.consume('live', at(100))).toBe(false)
        expect(await store.nonces.consume('old', at(10))).toBe(true)
      })

      it('accepts a nonce for exactly one of 50 concurrent callers', async () => {
        const results = await Promise.all(
          Array.from({ length: 50 }, () => store.nonces.consume('race', at(60))),
        )
        expect(results.filter(Boolean)).toHaveLength(1)
      })
    })

    describe('audit chain', () => {
      it('keeps what was appended when the caller changes its objects afterwards', async () => {
        const input = sampleEvent({ inputs: { version: '1.2.3', tags: ['a'] } })
        const [stored] = await store.audit.append([input])
        ;(input.inputs as { tags: string[] }).tags.push('b')
        ;(input.inputs as Record<string, unknown>).version = 'changed'
        ;(stored as { actor: string }).actor = 'mallory'
        const [read] = await store.audit.range(0, 1)
        expect(read!.inputs).toEqual({ version: '1.2.3', tags: ['a'] })
        expect(read!.actor).toBe('alice')
        expect(await verifyStore(store)).toMatchObject({ valid: true })
      })

      it('examines at most 10,000 events for a filtered page and gives a cursor to go on', async () => {
        for (let i = 0; i < 12; i++) {
          await store.audit.append(Array.from({ length: 1000 }, () => sampleEvent({ action: 'deploy' })))
        }
        const first = await store.audit.list({ tenant_id: 'acme', action: 'nothing-matches' }, 50)
        expect(first.items).toEqual([])
        expect(first.next_cursor).not.toBeNull()
        const second = await store.audit.list(
          { tenant_id: 'acme', action: 'nothing-matches' },
          50,
          first.next_cursor,
        )
        expect(second).toEqual({ items: [], next_cursor: null })
      })

      it("counts only the filter's tenant towards the 10,000 events a page examines", async () => {
        await store.audit.append([1, 2, 3].map(() => sampleEvent({ tenant_id: 'quiet', action: 'rotate' })))
        for (let i = 0; i < 11; i++) {
          await store.audit.append(Array.from({ length: 1000 }, () => sampleEvent({ action: 'deploy' })))
        }
        const page = await store.audit.list({ tenant_id: 'quiet', action: 'rotate' }, 50)
        expect(page.items.map((e) => e.seq)).toEqual([3, 2, 1])
        expect(page.next_cursor).toBeNull()
      })

      it('links appended events from the genesis hash and reports the head', async () => {
        expect(await store.audit.append([])).toEqual([])
        const stored = await store.audit.append([sampleEvent(), sampleEvent(), sampleEvent()])
        expect(stored.map((e) => e.seq)).toEqual([1, 2, 3])
        expect(stored[0]!.prev_hash).toBe(GENESIS_HASH)
        expect(stored[1]!.prev_hash).toBe(stored[0]!.hash)
        expect(stored[2]!.prev_hash).toBe(stored[1]!.hash)
        expect(await store.audit.head()).toEqual({ seq: 3, hash: stored[2]!.hash })
        const more = await store.audit.append([sampleEvent()])
        expect(more[0]).toMatchObject({ seq: 4, prev_hash: stored[2]!.hash })
        expect(await verifyStore(store)).toEqual({ valid: true, count: 4 })
      })

      it('reads events back exactly as appended, so the chain still verifies', async () => {
        const awkward = sampleEvent({
          inputs: { pi: Math.PI, big: 1e21, tiny: 5e-324, neg: -0, n: 10, list: [true, null, 'x'] },
          result: { text: 'line\nbreak "quoted" \u0000 é 🙂 \ud800', empty: {} },
          context: { channel: 'slack', zz: 1, aa: 2 },
        })
        const partial = {
          ...sampleEvent(),
          target: undefined,
          context: undefined,
        } as unknown as AuditEventInput
        const stored = await store.audit.append([awkward, partial])
        const read = await store.audit.range(0, 10)
        expect(read).toEqual(stored)
        expect(read[1]!.context).toBeNull()
        expect(read[1]!.target).toBeNull()
        expect(await verifyStore(store)).toEqual({ valid: true, count: 2 })
      })

      it('refuses an event whose id is already in the chain and leaves the chain unchanged', async () => {
        const event = sampleEvent()
        await store.audit.append([event])
        await expect(store.audit.append([sampleEvent(), event])).rejects.toThrow()
        expect(await store.audit.head()).toMatchObject({ seq: 1 })
        expect(await store.audit.range(0, 10)).toHaveLength(1)
      })

      it('returns events after a seq in chain order', async () => {
        await store.audit.append(Array.from({ length: 10 }, () => sampleEvent()))
        expect((await store.audit.range(3, 4)).map((e) => e.seq)).toEqual([4, 5, 6, 7])
        expect(await store.audit.range(10, 5)).toEqual([])
        await expectCode(store.audit.range(-1, 5), 'BAD_REQUEST', /after/)
      })

      it('lists newest first with every filter', async () => {
        await store.audit.append([
          sampleEvent({ ts: at(1), tenant_id: 'acme', action: 'deploy', actor: 'alice', request_id: 'r1' }),
          sampleEvent({
            ts: at(2),
            tenant_id: 'acme',
            action: 'rollback',
            actor: 'bob',
            decision: 'deny',
            status: 'denied',
          }),
          sampleEvent({ ts: at(3), tenant_id: 'globex', action: 'deploy', actor: 'alice' }),
          sampleEvent({
            ts: at(4),
            tenant_id: 'acme',
            status: 'approved',
            approval_id: 'apr-1',
            approver: 'carol',
          }),
          sampleEvent({ ts: at(5), tenant_id: 'acme', request_id: 'r1', status: 'executed' }),
        ])
        const seqs = async (filter: Parameters<Store['audit']['list']>[0]) =>
          (await store.audit.list(filter, 100)).items.map((e) => e.seq)
        expect(await seqs({})).toEqual([5, 4, 3, 2, 1])
        expect(await seqs({ tenant_id: 'acme' })).toEqual([5, 4, 2, 1])
        expect(await seqs({ action: 'rollback' })).toEqual([2])
        expect(await seqs({ actor: 'alice' })).toEqual([5, 4, 3, 1])
        expect(await seqs({ decision: 'deny' })).toEqual([2])
        expect(await seqs({ status: 'approved' })).toEqual([4])
        expect(await seqs({ request_id: 'r1' })).toEqual([5, 1])
        expect(await seqs({ approval_id: 'apr-1' })).toEqual([4])
        expect(await seqs({ since: at(2), until: at(4) })).toEqual([3, 2])
        expect(await seqs({ tenant_id: 'acme', since: at(2) })).toEqual([5, 4, 2])
      })

      it('filters by target and deciding rule', async () => {
        await store.audit.append([
          sampleEvent({ target: 'prod-db', rule: 'hold-prod' }),
          sampleEvent({ target: 'dev-db', rule: 'allow-dev' }),
          sampleEvent({ target: 'prod-db', rule: 'deny-all' }),
          sampleEvent({ target: null, rule: null }),
        ])
        const seqs = async (filter: Parameters<Store['audit']['list']>[0]) =>
          (await store.audit.list(filter, 100)).items.map((e) => e.seq)
        expect(await seqs({ target: 'prod-db' })).toEqual([3, 1])
        expect(await seqs({ rule: 'allow-dev' })).toEqual([2])
        expect(await seqs({ target: 'prod-db', rule: 'hold-prod' })).toEqual([1])
        expect(await seqs({ target: 'nowhere' })).toEqual([])
      })

      it('aggregates a tenant’s time range: buckets, top names, approval latency, limit trips', async () => {
        await store.audit.append([
          sampleEvent({ ts: at(10), action: 'deploy', actor: 'alice', status: 'allowed', decision: 'allow' }),
          sampleEvent({ ts: at(20), action: 'deploy', actor: 'bob', status: 'allowed', decision: 'allow' }),
          sampleEvent({ ts: at(70), action: 'drop', actor: 'bob', status: 'held', approval_id: 'apr-a' }),
          sampleEvent({ ts: at(75), action: 'drop', actor: 'bob', status: 'notified', approval_id: 'apr-a' }),
          sampleEvent({
            ts: at(100),
            action: 'drop',
            actor: 'carol',
            status: 'approved',
            approval_id: 'apr-a',
          }),
          sampleEvent({ ts: at(130), action: 'drop', actor: 'bob', status: 'failed' }),
          sampleEvent({
            ts: at(140),
            action: 'deploy',
            actor: 'bob',
            status: 'denied',
            decision: 'deny',
            context: { code: 'RATE_LIMITED', limit: 'rate' },
          }),
          sampleEvent({
            ts: at(150),
            action: 'deploy',
            actor: 'bob',
            status: 'denied',
            decision: 'deny',
            context: { code: 'RATE_LIMITED', limit: 'breaker' },
          }),
          sampleEvent({ ts: at(160), tenant_id: 'globex', action: 'deploy', status: 'allowed' }),
          sampleEvent({ ts: at(9999), action: 'late', status: 'allowed' }),
        ])
        const stats = await store.audit.stats({
          tenant_id: 'acme',
          since: at(0),
          until: at(3600),
          bucket_s: 60,
          top: 2,
        })
        expect(stats.buckets).toEqual([
          { start: at(0), status: 'allowed', count: 2 },
          { start: at(60), status: 'held', count: 1 },
          { start: at(120), status: 'denied', count: 2 },
          { start: at(120), status: 'failed', count: 1 },
        ])
        expect(stats.top_actions).toEqual([
          { name: 'deploy', count: 4 },
          { name: 'drop', count: 1 },
        ])
        expect(stats.top_actors).toEqual([
          { name: 'bob', count: 4 },
          { name: 'alice', count: 1 },
        ])
        expect(stats.approval_latencies_ms).toEqual([30_000])
        expect(stats.limit_trips).toEqual([
          { name: 'breaker', count: 1 },
          { name: 'rate', count: 1 },
        ])
        await expectCode(
          store.audit.stats({ tenant_id: 'acme', since: at(10), until: at(0), bucket_s: 60, top: 5 }),
          'BAD_REQUEST',
          /since/,
        )
        await expectCode(
          store.audit.stats({ tenant_id: 'acme', since: at(0), until: at(60), bucket_s: 0, top: 5 }),
          'BAD_REQUEST',
          /bucket_s/,
        )
      })

      it('pages through a filtered list without gaps or repeats', async () => {
        await store.audit.append(
          Array.from({ length: 25 }, (_, i) => sampleEvent({ tenant_id: i % 2 === 0 ? 'acme' : 'globex' })),
        )
        const seen: number[] = []
        let cursor: string | null = null
        do {
          const page = await store.audit.list({ tenant_id: 'acme' }, 4, cursor)
          expect(page.items.length).toBeLessThanOrEqual(4)
          seen.push(...page.items.map((e) => e.seq))
          cursor = page.next_cursor
        } while (cursor)
        expect(seen).toEqual(Array.from({ length: 13 }, (_, i) => 25 - 2 * i))
      })

      it('rejects a garbage cursor or one issued for another filter', async () => {
        await store.audit.append(Array.from({ length: 3 }, () => sampleEvent()))
        const page = await store.audit.list({ tenant_id: 'acme' }, 1)
        await expectCode(store.audit.list({ tenant_id: 'acme' }, 1, '%%%'), 'BAD_REQUEST', /invalid cursor/)
        await expectCode(
          store.audit.list({ tenant_id: 'acme' }, 1, Buffer.from('["audit","x","y"]').toString('base64url')),
          'BAD_REQUEST',
          /invalid cursor/,
        )
        await expectCode(
          store.audit.list({ tenant_id: 'globex' }, 1, page.next_cursor),
          'BAD_REQUEST',
          /different audit filter/,
        )
        await expectCode(store.audit.list({}, 5000), 'BAD_REQUEST', /limit/)
      })

      it('keeps one unbroken chain under concurrent appends', async () => {
        const batches = await Promise.all(
          Array.from({ length: 20 }, () =>
            store.audit.append(Array.from({ length: 10 }, () => sampleEvent())),
          ),
        )
        const seqs = batches.flat().map((e) => e.seq)
        expect(new Set(seqs).size).toBe(200)
        expect(await store.audit.head()).toMatchObject({ seq: 200 })
        expect(await verifyStore(store, { pageSize: 64 })).toEqual({ valid: true, count: 200 })
      })

      it('stores writes through an AuditWriter in call order, each promise giving its own event', async () => {
        const writer = new AuditWriter(store.audit, { maxBatch: 50 })
        const inputs = Array.from({ length: 300 }, (_, i) => sampleEvent({ reason: `event ${i}` }))
        const stored: AuditEvent[] = await Promise.all(inputs.map((e) => writer.write(e)))
        expect(stored.map((e) => e.id)).toEqual(inputs.map((e) => e.id))
        expect(stored.map((e) => e.seq)).toEqual(inputs.map((_, i) => i + 1))
        await writer.close()
        expect(await verifyStore(store)).toEqual({ valid: true, count: 300 })
      })
    })
  })
}
