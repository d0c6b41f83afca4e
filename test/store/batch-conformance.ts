/**
 * The `Store.batch` contract and the group-commit writer over it, for every
 * {@link Store} implementation.
 *
 * @module
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { verifyStore } from '../../src/audit/verify-chain.js'
import { AirlockError } from '../../src/errors/airlock-error.js'
import { GroupCommit } from '../../src/store/group-commit.js'
import type { IdempotencyClaimRequest, Store, WriteOp } from '../../src/store/store.js'
import { at, sampleEvent } from './conformance.js'

const scope = { tenant_id: 'acme', action: 'deploy', key: 'k-1' }

function claimRequest(
  owner: string,
  overrides: Partial<IdempotencyClaimRequest> = {},
): IdempotencyClaimRequest {
  return { ...scope, fingerprint: 'fp-a', owner, lease_until: at(30), now: at(0), ...overrides }
}

function claimOp(owner: string, overrides: Partial<IdempotencyClaimRequest> = {}): WriteOp {
  return { kind: 'claim', request: claimRequest(owner, overrides) }
}

function completeOp(owner: string, outcome = '{"status":"executed"}'): WriteOp {
  return { kind: 'complete', scope, owner, outcome, expires_at: at(3600), now: at(1) }
}

/** Runs the batch contract against stores made by `makeStore` (fresh, unmigrated). */
export function describeBatchConformance(name: string, makeStore: () => Promise<Store>): void {
  describe(`${name} store batch`, () => {
    let store: Store

    beforeEach(async () => {
      store = await makeStore()
      await store.migrate()
    })

    afterEach(async () => {
      await store.close()
    })

    it('applies claims, events and completions in op order, one result per op', async () => {
      const first = sampleEvent({ reason: 'first' })
      const second = sampleEvent({ reason: 'second' })
      const results = await store.batch([
        claimOp('own-a'),
        { kind: 'append', event: first },
        claimOp('own-b'),
        completeOp('own-a'),
        { kind: 'append', event: second },
        claimOp('own-c'),
      ])
      expect(results.map((r) => r.kind)).toEqual(['claim', 'append', 'claim', 'complete', 'append', 'claim'])
      expect(results[0]).toEqual({ kind: 'claim', result: { kind: 'claimed', recovered: false } })
      // The second claim of the key in the same batch sees the first one's row.
      expect(results[2]).toEqual({ kind: 'claim', result: { kind: 'in_flight', fingerprint: 'fp-a' } })
      expect(results[3]).toEqual({ kind: 'complete', stored: true })
      expect(results[5]).toEqual({
        kind: 'claim',
        result: { kind: 'completed', fingerprint: 'fp-a', outcome: '{"status":"executed"}' },
      })
      expect(results[1]).toMatchObject({ kind: 'append', event: { id: first.id, seq: 1 } })
      expect(results[4]).toMatchObject({ kind: 'append', event: { id: second.id, seq: 2 } })
      expect(await store.idempotency.get(scope)).toEqual({
        fingerprint: 'fp-a',
        state: 'completed',
        outcome: '{"status":"executed"}',
      })
      expect(await verifyStore(store)).toEqual({ valid: true, count: 2 })
    })

    it('stores no completion for an owner that does not hold the key', async () => {
      const results = await store.batch([claimOp('own-a'), completeOp('own-x')])
      expect(results[1]).toEqual({ kind: 'complete', stored: false })
      expect(await store.idempotency.get(scope)).toMatchObject({ state: 'in_flight', outcome: null })
    })

    it('writes nothing when one op of the batch fails', async () => {
      const existing = sampleEvent()
      await store.audit.append([existing])
      await expect(
        store.batch([
          claimOp('own-a'),
          { kind: 'append', event: sampleEvent() },
          { kind: 'append', event: existing },
        ]),
      ).rejects.toSatisfy((e) => AirlockError.isInstance(e))
      expect(await store.idempotency.get(scope)).toBeNull()
      expect(await store.audit.head()).toMatchObject({ seq: 1 })
    })

    it('rejects a malformed op by position and field before writing anything', async () => {
      const bad = claimOp('own-a', { lease_until: 'tomorrow' })
      const error = await store.batch([claimOp('own-z', { key: 'k-2' }), bad]).catch((e: unknown) => e)
      expect(error).toMatchObject({ code: 'BAD_REQUEST' })
      expect((error as Error).message).toMatch(/ops\[1\]\.request\.lease_until/)
      const unknown = await store.batch([{ kind: 'delete' } as unknown as WriteOp]).catch((e: unknown) => e)
      expect(unknown).toMatchObject({ code: 'BAD_REQUEST' })
      expect((unknown as Error).message).toMatch(/ops\[0\]\.kind/)
      expect(await store.idempotency.get({ ...scope, key: 'k-2' })).toBeNull()
      expect(await store.batch([])).toEqual([])
    })

    it('gives exactly one claim of a key to concurrent writers sharing commits, and keeps one chain', async () => {
      // Several writers stand for several processes sharing the store.
      const writers = Array.from({ length: 4 }, () => new GroupCommit(store, { maxBatch: 16 }))
      const claims = Array.from({ length: 40 }, (_, i) =>
        writers[i % writers.length]!.idempotency(store.idempotency).claim(claimRequest(`own-${i}`)),
      )
      const events = Array.from({ length: 120 }, (_, i) => writers[i % writers.length]!.append(sampleEvent()))
      const settled = await Promise.all(claims)
      const stored = await Promise.all(events)
      expect(settled.filter((r) => r.kind === 'claimed')).toHaveLength(1)
      expect(settled.filter((r) => r.kind === 'in_flight')).toHaveLength(39)
      expect(new Set(stored.map((e) => e.seq)).size).toBe(120)
      await Promise.all(writers.map((w) => w.close()))
      expect(await verifyStore(store, { pageSize: 32 })).toEqual({ valid: true, count: 120 })
    })

    it('stores the ops of a unit together or not at all, also when a failed batch is retried', async () => {
      const writer = new GroupCommit(store, { maxBatch: 64 })
      expect(await writer.idempotency(store.idempotency).claim(claimRequest('own-a'))).toEqual({
        kind: 'claimed',
        recovered: false,
      })
      const [kept, paired, alone] = [
        sampleEvent({ reason: 'kept' }),
        sampleEvent({ reason: 'paired with a bad op' }),
        sampleEvent({ reason: 'alone' }),
      ]
      // One batch holding all three writes fails on the bad claim; each is then retried on its own.
      const results = await Promise.allSettled([
        writer.writeAll([{ kind: 'append', event: kept }, completeOp('own-a')]),
        writer.writeAll([{ kind: 'append', event: paired }, claimOp('own-b', { lease_until: 'tomorrow' })]),
        writer.append(alone),
      ])
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled'])
      const [first] = results
      expect(first.status === 'fulfilled' && first.value.map((r) => r.kind)).toEqual(['append', 'complete'])
      expect((results[1] as PromiseRejectedResult).reason).toMatchObject({ code: 'BAD_REQUEST' })
      await writer.close()
      const stored = await store.audit.range(0, 10)
      expect(stored.map((e) => e.reason).sort()).toEqual(['alone', 'kept'])
      expect(await store.idempotency.get(scope)).toMatchObject({ state: 'completed' })
    })

    it('appends the event a claim carries only when the claim takes its key fresh', async () => {
      const fresh = sampleEvent({ reason: 'fresh claim' })
      const lost = sampleEvent({ reason: 'claim that found the key in flight' })
      const plain = sampleEvent({ reason: 'plain append' })
      const other = sampleEvent({ reason: 'fresh claim of another key' })
      const results = await store.batch([
        { kind: 'claim', request: claimRequest('own-a'), event: fresh },
        { kind: 'claim', request: claimRequest('own-b'), event: lost },
        { kind: 'append', event: plain },
        { kind: 'claim', request: claimRequest('own-c', { key: 'k-2' }), event: other },
      ])
      expect(results[0]).toMatchObject({
        kind: 'claim',
        result: { kind: 'claimed', recovered: false },
        event: { id: fresh.id },
      })
      expect(results[1]).toEqual({
        kind: 'claim',
        result: { kind: 'in_flight', fingerprint: 'fp-a' },
        event: null,
      })
      expect(results[2]).toMatchObject({ kind: 'append', event: { id: plain.id } })
      expect(results[3]).toMatchObject({ kind: 'claim', event: { id: other.id } })
      // Where in the batch's run of the chain each lands is the store's choice; each lands once.
      const chain = await store.audit.range(0, 10)
      expect(chain.map((e) => e.reason).sort()).toEqual([
        'fresh claim',
        'fresh claim of another key',
        'plain append',
      ])
      const seqs = [results[0], results[2], results[3]].map(
        (r) => (r as { event: { seq: number } }).event.seq,
      )
      expect(seqs.sort()).toEqual([1, 2, 3])
      expect(await verifyStore(store)).toEqual({ valid: true, count: 3 })
    })

    it('appends no event for a claim that replays, recovers a dead holder or is refused', async () => {
      await store.batch([claimOp('own-a'), completeOp('own-a')])
      await store.batch([claimOp('own-d', { key: 'k-dead' })])
      const results = await store.batch([
        { kind: 'claim', request: claimRequest('own-b'), event: sampleEvent({ reason: 'replay' }) },
        {
          kind: 'claim',
          request: claimRequest('own-e', { key: 'k-dead', now: at(60), lease_until: at(90) }),
          event: sampleEvent({ reason: 'recovery' }),
        },
        {
          kind: 'claim',
          request: claimRequest('own-f', { now: at(7200), lease_until: at(7230) }),
          event: sampleEvent({ reason: 'key expired, taken fresh' }),
        },
      ])
      expect(results[0]).toMatchObject({ result: { kind: 'completed' }, event: null })
      expect(results[1]).toEqual({ kind: 'claim', result: { kind: 'claimed', recovered: true }, event: null })
      expect(results[2]).toMatchObject({ result: { kind: 'claimed', recovered: false }, event: { seq: 1 } })
      expect((await store.audit.range(0, 10)).map((e) => e.reason)).toEqual(['key expired, taken fresh'])
    })

    it('takes no claim when the batch carrying its event fails', async () => {
      const existing = sampleEvent()
      await store.audit.append([existing])
      const error = await store
        .batch([
          { kind: 'claim', request: claimRequest('own-a'), event: sampleEvent() },
          { kind: 'append', event: existing },
        ])
        .catch((e: unknown) => e)
      expect(AirlockError.isInstance(error)).toBe(true)
      expect(await store.idempotency.get(scope)).toBeNull()
      expect(await store.audit.head()).toMatchObject({ seq: 1 })
      const bad = await store
        .batch([{ kind: 'claim', request: claimRequest('own-a'), event: 'started' as never }])
        .catch((e: unknown) => e)
      expect(bad).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/ops\[0\]\.event/) })
    })

    it('appends one event for concurrent claims of a key carrying events, from writers sharing commits', async () => {
      const writers = Array.from({ length: 4 }, () => new GroupCommit(store, { maxBatch: 8 }))
      const claims = Array.from({ length: 24 }, (_, i) =>
        writers[i % writers.length]!.claimWith(
          claimRequest(`own-${i}`),
          sampleEvent({ reason: `claim ${i}` }),
        ),
      )
      const others = Array.from({ length: 24 }, (_, i) => writers[i % writers.length]!.append(sampleEvent()))
      const settled = await Promise.all(claims)
      await Promise.all(others)
      const won = settled.filter((r) => r.result.kind === 'claimed')
      expect(won).toHaveLength(1)
      expect(won[0]!.event).toMatchObject({ reason: expect.stringMatching(/^claim /) })
      expect(settled.filter((r) => r.event !== null)).toHaveLength(1)
      await Promise.all(writers.map((w) => w.close()))
      const reasons = (await store.audit.range(0, 100)).map((e) => e.reason)
      expect(reasons.filter((r) => r?.startsWith('claim '))).toEqual([won[0]!.event!.reason])
      expect(await verifyStore(store, { pageSize: 16 })).toEqual({ valid: true, count: 25 })
    })

    it('commits concurrent writes in few batches, each caller getting its own result', async () => {
      let batches = 0
      const counting: Pick<Store, 'batch'> = {
        batch: (ops) => {
          batches++
          return store.batch(ops)
        },
      }
      const writer = new GroupCommit(counting, { maxBatch: 64 })
      const inputs = Array.from({ length: 200 }, (_, i) => sampleEvent({ reason: `event ${i}` }))
      const results = await Promise.all([
        ...inputs.map((e) => writer.append(e)),
        writer.idempotency(store.idempotency).claim(claimRequest('own-a')),
      ])
      expect(results.slice(0, 200).map((e) => (e as { id: string }).id)).toEqual(inputs.map((e) => e.id))
      expect(results[200]).toEqual({ kind: 'claimed', recovered: false })
      expect(batches).toBeLessThanOrEqual(Math.ceil(201 / 64) + 1)
      await writer.close()
      await expect(writer.append(sampleEvent())).rejects.toThrow(/closed/)
    })
  })
}
