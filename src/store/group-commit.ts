/**
 * Group commit: the writes of many concurrent requests (idempotency claims,
 * audit events, stored outcomes) share one {@link Store.batch} — one
 * transaction, one fsync.
 *
 * @module
 */
import type { AuditEvent, AuditEventInput } from '../audit/audit-event.js'
import { AirlockError } from '../errors/airlock-error.js'
import { ErrorCode } from '../errors/error-codes.js'
import { databaseFailure } from './internal/database-failure.js'
import type {
  ClaimResult,
  IdempotencyClaimRequest,
  IdempotencyStore,
  Store,
  WriteOp,
  WriteResult,
} from './store.js'

/** Options of {@link GroupCommit}. */
export interface GroupCommitOptions {
  /** Most ops in one batch (one transaction). Default 500. */
  readonly maxBatch?: number
}

/** Ops that commit together (one caller's unit), and how to answer their caller. */
interface Pending {
  readonly ops: readonly WriteOp[]
  readonly resolve: (results: readonly WriteResult[]) => void
  readonly reject: (error: unknown) => void
}

/**
 * Queues {@link WriteOp}s from one process and commits them in batches.
 *
 * @remarks While one batch is in flight, new ops queue; the moment it
 * commits, everything queued (up to `maxBatch`) goes out as the next batch,
 * so batches grow with load and there is no timer: a lone op is written on
 * the next turn of the event loop. Ops keep the order of their calls. Each
 * caller's promise resolves only once its op is committed (an audit event is
 * in the chain, a claim is held, an outcome stored) and rejects if it could
 * not be: a failed batch changed nothing (it is one transaction), and its
 * units are retried one by one, in order, so a single bad op cannot sink the
 * others — except when the store cannot tell whether it committed
 * (`STORE_UNAVAILABLE`), or the database itself failed (busy past its
 * timeout, full, read-only, an I/O error): then every op of the batch fails,
 * none is retried.
 * A unit ({@link GroupCommit.writeAll}) is never split: its ops commit in
 * the same transaction or not at all, on the first try and on a retry.
 */
export class GroupCommit {
  readonly #store: Pick<Store, 'batch'>
  readonly #maxBatch: number
  #queue: Pending[] = []
  #flushing: Promise<void> | null = null
  #closed = false

  constructor(store: Pick<Store, 'batch'>, options: GroupCommitOptions = {}) {
    const maxBatch = options.maxBatch ?? 500
    if (!Number.isInteger(maxBatch) || maxBatch < 1) {
      throw new AirlockError(
        ErrorCode.CONFIG_INVALID,
        `GroupCommit: maxBatch must be a positive integer, got ${maxBatch}`,
      )
    }
    this.#store = store
    this.#maxBatch = maxBatch
  }

  /** Commits `op` with whatever else is queued; resolves with its result once committed. */
  async write(op: WriteOp): Promise<WriteResult> {
    const [result] = await this.writeAll([op])
    return result!
  }

  /**
   * Commits `ops` in order, all in the same transaction (with whatever else
   * is queued); resolves with their results once committed.
   * @remarks For writes that must never be stored one without the other: an
   * audit event and the idempotency outcome that quotes it.
   */
  writeAll(ops: readonly WriteOp[]): Promise<readonly WriteResult[]> {
    if (this.#closed) {
      const kinds = ops.map((op) => op.kind).join(' and ')
      return Promise.reject(
        new AirlockError(ErrorCode.INTERNAL, `the store writer is closed; the ${kinds} was not written`),
      )
    }
    return new Promise<readonly WriteResult[]>((resolve, reject) => {
      this.#queue.push({ ops, resolve, reject })
      this.#flushing ??= this.#drain()
    })
  }

  /** Appends one audit event; resolves with it as stored in the chain. */
  async append(event: AuditEventInput): Promise<AuditEvent> {
    const result = await this.write({ kind: 'append', event })
    return expectKind(result, 'append').event
  }

  /** Appends `event` and applies `op` as one unit ({@link writeAll}); resolves with the stored event and the op's result. */
  async appendWith(event: AuditEventInput, op: WriteOp): Promise<{ event: AuditEvent; result: WriteResult }> {
    const [appended, result] = await this.writeAll([{ kind: 'append', event }, op])
    return { event: expectKind(appended!, 'append').event, result: result! }
  }

  /**
   * Claims a key as {@link IdempotencyStore.claim} does, appending `event` in
   * the same commit when, and only when, the claim takes the key fresh; the
   * stored event, else null.
   */
  async claimWith(
    request: IdempotencyClaimRequest,
    event: AuditEventInput,
  ): Promise<{ result: ClaimResult; event: AuditEvent | null }> {
    const answer = expectKind(await this.write({ kind: 'claim', request, event }), 'claim')
    return { result: answer.result, event: answer.event ?? null }
  }

  /**
   * `idempotency` with `claim` and `complete` going through this writer, so
   * they share commits with the audit events; every other method is
   * `idempotency`'s own.
   */
  idempotency(idempotency: IdempotencyStore): IdempotencyStore {
    return {
      ...idempotency,
      claim: async (request): Promise<ClaimResult> =>
        expectKind(await this.write({ kind: 'claim', request }), 'claim').result,
      complete: async (scope, owner, outcome, expires_at, now) =>
        expectKind(await this.write({ kind: 'complete', scope, owner, outcome, expires_at, now }), 'complete')
          .stored,
    }
  }

  /** Resolves once every op written so far has been committed (or has failed). */
  async flush(): Promise<void> {
    while (this.#flushing) await this.#flushing
  }

  /** Refuses new ops and waits for the queued ones. */
  async close(): Promise<void> {
    this.#closed = true
    await this.flush()
  }

  async #drain(): Promise<void> {
    try {
      while (this.#queue.length > 0) {
        // Let pending I/O callbacks (new requests) run first, so they can join
        // this batch. With a synchronous driver (SQLite) the commit blocks the
        // event loop, and starting the next batch on a microtask would commit
        // only what the previous batch's callers managed to enqueue.
        await new Promise<void>((resolve) => setImmediate(resolve))
        await this.#commit(this.#takeBatch())
      }
    } finally {
      this.#flushing = null
    }
  }

  /** Queued units up to `maxBatch` ops (always at least one unit, however large). */
  #takeBatch(): Pending[] {
    let units = 0
    let ops = 0
    for (const pending of this.#queue) {
      if (units > 0 && ops + pending.ops.length > this.#maxBatch) break
      units++
      ops += pending.ops.length
    }
    return this.#queue.splice(0, units)
  }

  async #commit(batch: readonly Pending[]): Promise<void> {
    try {
      const results = await this.#store.batch(batch.flatMap((p) => p.ops))
      let next = 0
      for (const pending of batch) {
        const answered = pending.ops.map(() => results[next++])
        const missing = pending.ops.find((op, i) => answered[i]?.kind !== op.kind)
        if (missing === undefined) pending.resolve(answered as WriteResult[])
        else
          pending.reject(
            new AirlockError(ErrorCode.INTERNAL, `the store answered a ${missing.kind} with no result`),
          )
      }
    } catch (error) {
      // A unit alone, or a failure no op caused (see `database-failure.ts`),
      // or one whose outcome is unknown: every unit fails with it.
      if (batch.length === 1 || outcomeUnknown(error) || databaseFailure(error)) {
        for (const pending of batch) pending.reject(error)
        return
      }
      // Nothing of a failed batch was stored (it is one transaction), so
      // retrying each unit in order keeps the chain order and the claim order.
      // Each waits a turn of the event loop: with a synchronous driver, a
      // long batch retried in one go would hold every other request up.
      for (const pending of batch) {
        await new Promise<void>((resolve) => setImmediate(resolve))
        await this.#commit([pending])
      }
    }
  }
}

/**
 * The store could not say whether the batch committed (its connection or
 * writer thread went away mid-commit): retrying its ops could store them
 * twice, so they all fail instead.
 */
function outcomeUnknown(error: unknown): boolean {
  return AirlockError.isInstance(error) && error.code === ErrorCode.STORE_UNAVAILABLE
}

function expectKind<K extends WriteResult['kind']>(
  result: WriteResult,
  kind: K,
): Extract<WriteResult, { kind: K }> {
  if (result.kind !== kind) {
    throw new AirlockError(ErrorCode.INTERNAL, `the store answered a ${kind} with a ${result.kind}`)
  }
  return result as Extract<WriteResult, { kind: K }>
}
