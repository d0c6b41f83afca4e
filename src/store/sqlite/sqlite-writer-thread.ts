/**
 * The SQLite writer thread, seen from the main thread: `batch` hands the ops
 * to a worker thread that owns its own write connection, and resolves with
 * its results once that thread has committed them.
 *
 * @module
 */
import { AirlockError } from '../../errors/airlock-error.js'
import { ErrorCode } from '../../errors/error-codes.js'
import { type SpawnWorker, WorkerCalls } from '../../internal/worker-calls.js'
import { badRequest } from '../internal/store-error.js'
import type { WriteOp, WriteResult } from '../store.js'
import type { WriterReply, WriterRequest, WriterThreadData } from './sqlite-writer-protocol.js'

/**
 * Commits batches on a worker thread.
 *
 * @remarks Concurrency contract: the thread runs one batch at a time, each in
 * its own `BEGIN IMMEDIATE` transaction on its own connection, so every
 * batch keeps `sqliteBatch`'s contract against the main thread's connection
 * and other processes, and the main thread's event loop keeps running while
 * the commit fsyncs. A batch resolves only after its commit returned on the
 * thread. If the thread dies (a crash, `terminate`, an out-of-memory abort),
 * every batch it held rejects with `STORE_UNAVAILABLE` — never resolves —
 * whether or not its commit reached the disk, and the next batch starts a
 * fresh thread; if that cannot open the database either, it fails the same
 * way, so writes fail closed and never hang.
 */
export class SqliteWriterThread {
  readonly #calls: WorkerCalls<WriterRequest, WriterReply, readonly WriteResult[]>
  #closed = false

  /** `spawn` starts the thread; tests pass one that keeps the handle, to stop it. */
  constructor(data: WriterThreadData, spawn?: SpawnWorker) {
    this.#calls = new WorkerCalls({
      from: import.meta.url,
      name: 'sqlite-writer-worker',
      workerData: data,
      ...(spawn ? { spawn } : {}),
      read: (reply) => ('results' in reply ? { result: reply.results } : { error: threadError(reply.error) }),
      // Its commit may or may not have reached the disk, so no caller may be
      // told it succeeded, nor may the ops be retried (an event could be
      // appended twice); a claim it made stays held until its lease runs out.
      died: (why) =>
        new AirlockError(
          ErrorCode.STORE_UNAVAILABLE,
          `The SQLite writer thread stopped (${why}) before confirming the write; it may or may not be stored. Retry the request (with the same Idempotency-Key, if it had one).`,
        ),
    })
  }

  /** Commits `ops` as one transaction on the writer thread; one result per op. */
  async batch(ops: readonly WriteOp[]): Promise<readonly WriteResult[]> {
    // Once closed, a batch would start a thread and a connection nothing closes.
    if (this.#closed)
      throw new AirlockError(ErrorCode.STORE_ERROR, 'sqlite store: batch failed: the store is closed')
    try {
      return await this.#calls.call((id) => ({ kind: 'batch', id, ops }))
    } catch (error) {
      if (error instanceof Error && error.name === 'DataCloneError') {
        throw badRequest(
          `store.batch: the ops hold a value that is not data (${error.message}); send JSON values only`,
        )
      }
      throw error
    }
  }

  /** Closes the thread's connection once the batches sent so far are answered. */
  async close(): Promise<void> {
    this.#closed = true
    await this.#calls.stop({ kind: 'close' })
  }
}

/** The thread's error as an AirlockError, its driver's code kept as the cause's (see `database-failure.ts`). */
function threadError(error: Extract<WriterReply, { error: unknown }>['error']): AirlockError {
  const { code, message, driver_code } = error
  if (driver_code === undefined) return new AirlockError(code, message)
  return new AirlockError(code, message, { cause: Object.assign(new Error(message), { code: driver_code }) })
}
