/**
 * The SQLite writer thread, seen from the main thread: `batch` hands the ops
 * to a worker thread that owns its own write connection, and resolves with
 * its results once that thread has committed them.
 *
 * @module
 */
import { Worker, type WorkerOptions } from 'node:worker_threads'
import { AirlockError } from '../../errors/airlock-error.js'
import { ErrorCode } from '../../errors/error-codes.js'
import { workerEntry } from '../../internal/worker-entry.js'
import type { WriteOp, WriteResult } from '../store.js'
import type { WriterReply, WriterRequest, WriterThreadData } from './sqlite-writer-protocol.js'

/** Starts the writer thread. */
export type SpawnWorker = (url: URL, options: WorkerOptions) => Worker

interface InFlight {
  readonly worker: Worker
  readonly resolve: (results: readonly WriteResult[]) => void
  readonly reject: (error: unknown) => void
}

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
  readonly #data: WriterThreadData
  #worker: Worker | null = null
  readonly #inFlight = new Map<number, InFlight>()
  #nextId = 0

  readonly #spawn: SpawnWorker

  /** `spawn` starts the thread; tests pass one that keeps the handle, to stop it. */
  constructor(data: WriterThreadData, spawn: SpawnWorker = (url, options) => new Worker(url, options)) {
    this.#data = data
    this.#spawn = spawn
  }

  /** Commits `ops` as one transaction on the writer thread; one result per op. */
  batch(ops: readonly WriteOp[]): Promise<readonly WriteResult[]> {
    const worker = this.#started()
    const id = this.#nextId++
    return new Promise((resolve, reject) => {
      this.#inFlight.set(id, { worker, resolve, reject })
      // Only a batch in flight keeps the process alive: an idle writer must
      // not stop a program that forgot to close its store from exiting.
      worker.ref()
      worker.postMessage({ kind: 'batch', id, ops } satisfies WriterRequest)
    })
  }

  /** Closes the thread's connection once the batches sent so far are answered. */
  async close(): Promise<void> {
    const worker = this.#worker
    if (worker === null) return
    this.#worker = null
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()))
    worker.postMessage({ kind: 'close' } satisfies WriterRequest)
    worker.ref()
    await exited
  }

  #started(): Worker {
    if (this.#worker !== null) return this.#worker
    const { url, execArgv } = workerEntry(import.meta.url, 'sqlite-writer-worker')
    const worker = this.#spawn(url, { workerData: this.#data, ...(execArgv ? { execArgv } : {}) })
    worker.unref()
    worker.on('message', (reply: WriterReply) => this.#answer(worker, reply))
    worker.on('error', (error) => this.#died(worker, error.message))
    worker.on('exit', (code) => this.#died(worker, `it exited with code ${code}`))
    this.#worker = worker
    return worker
  }

  #answer(worker: Worker, reply: WriterReply): void {
    const pending = this.#inFlight.get(reply.id)
    this.#inFlight.delete(reply.id)
    if (!this.#holds(worker)) worker.unref()
    if (pending === undefined) return
    if ('results' in reply) pending.resolve(reply.results)
    else pending.reject(new AirlockError(reply.error.code, reply.error.message))
  }

  #died(worker: Worker, why: string): void {
    if (this.#worker === worker) this.#worker = null
    if (!this.#holds(worker)) return
    // Its commit may or may not have reached the disk, so no caller may be
    // told it succeeded, nor may the ops be retried (an event could be
    // appended twice); a claim it made stays held until its lease runs out.
    const error = new AirlockError(
      ErrorCode.STORE_UNAVAILABLE,
      `The SQLite writer thread stopped (${why}) before confirming the write; it may or may not be stored. Retry the request (with the same Idempotency-Key, if it had one).`,
    )
    for (const [id, pending] of this.#inFlight) {
      if (pending.worker !== worker) continue
      this.#inFlight.delete(id)
      pending.reject(error)
    }
  }

  #holds(worker: Worker): boolean {
    for (const pending of this.#inFlight.values()) if (pending.worker === worker) return true
    return false
  }
}
