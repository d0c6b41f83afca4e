/**
 * Calls answered by a worker thread started on first use: each call is one
 * message with an id and one reply with the same id. What the SQLite writer
 * and the Merkle tree grower share.
 *
 * @module
 */
import { Worker, type WorkerOptions } from 'node:worker_threads'
import { workerEntry } from './worker-entry.js'

/** Starts a worker thread; tests pass one that keeps the handle, to stop it. */
export type SpawnWorker = (url: URL, options: WorkerOptions) => Worker

/** How a {@link WorkerCalls} starts its thread and reads its replies. */
export interface WorkerCallsOptions<Reply extends { readonly id: number }, Result> {
  /** The starting module's `import.meta.url`; the worker module is beside it. */
  readonly from: string
  /** The worker module's name, without extension. */
  readonly name: string
  readonly workerData?: unknown
  readonly spawn?: SpawnWorker
  /** A reply as the call's result, or the error it fails with. */
  readonly read: (reply: Reply) => { readonly result: Result } | { readonly error: Error }
  /** The error every call in flight fails with when the thread stops (`why`: how). */
  readonly died: (why: string) => Error
}

interface InFlight<Result> {
  readonly worker: Worker
  readonly resolve: (result: Result) => void
  readonly reject: (error: unknown) => void
}

/**
 * Sends calls to one worker thread and answers each caller from its reply.
 *
 * @remarks Only a call in flight, or a thread being stopped, keeps the
 * process alive: an idle thread must not keep a program that forgot to close
 * it from exiting, and one being stopped must, or the program could end
 * before `stop` resolves. If the thread dies (a crash, `terminate`, an
 * out-of-memory abort), every call it held rejects with the `died` error,
 * never resolves, and the next call starts a fresh thread. A call never
 * throws: a thread that cannot start (the process is at its thread limit) or
 * a message that cannot be copied to it rejects that call alone.
 */
export class WorkerCalls<Request, Reply extends { readonly id: number }, Result> {
  readonly #options: WorkerCallsOptions<Reply, Result>
  #worker: Worker | null = null
  readonly #inFlight = new Map<number, InFlight<Result>>()
  /** Threads told to close and not yet exited: kept referenced until they have. */
  readonly #stopping = new Set<Worker>()
  #nextId = 0

  constructor(options: WorkerCallsOptions<Reply, Result>) {
    this.#options = options
  }

  /** Posts the message `build(id)` makes; resolves or rejects with the reply of that id. */
  call(build: (id: number) => Request): Promise<Result> {
    return new Promise((resolve, reject) => {
      const worker = this.#started()
      const id = this.#nextId++
      this.#inFlight.set(id, { worker, resolve, reject })
      worker.ref()
      try {
        worker.postMessage(build(id))
      } catch (error) {
        // Not sent (a value that cannot be copied): nothing will answer it.
        this.#inFlight.delete(id)
        if (!this.#keeps(worker)) worker.unref()
        throw error
      }
    })
  }

  /**
   * The running thread, now forgotten (the next call starts another), or
   * null; the caller stops it. Calls it holds still get its replies.
   */
  release(): Worker | null {
    const worker = this.#worker
    this.#worker = null
    return worker
  }

  /**
   * Forgets the running thread, if any, and has it close itself: posts
   * `message` (the thread's cue to close its resources and its port) and
   * resolves once it has exited. Calls it holds still get its replies first.
   */
  async stop(message: Request): Promise<void> {
    const worker = this.release()
    if (worker === null) return
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()))
    this.#stopping.add(worker)
    worker.ref()
    worker.postMessage(message)
    await exited
  }

  #started(): Worker {
    if (this.#worker !== null) return this.#worker
    const { from, name, workerData, spawn } = this.#options
    const { url, execArgv } = workerEntry(from, name)
    const options: WorkerOptions = {
      ...(workerData === undefined ? {} : { workerData }),
      ...(execArgv ? { execArgv } : {}),
    }
    const worker = spawn ? spawn(url, options) : new Worker(url, options)
    worker.unref()
    worker.on('message', (reply: Reply) => this.#answer(worker, reply))
    worker.on('error', (error) => this.#died(worker, error.message))
    worker.on('exit', (code) => {
      this.#stopping.delete(worker)
      this.#died(worker, `it exited with code ${code}`)
    })
    this.#worker = worker
    return worker
  }

  #answer(worker: Worker, reply: Reply): void {
    const pending = this.#inFlight.get(reply.id)
    this.#inFlight.delete(reply.id)
    if (!this.#keeps(worker)) worker.unref()
    if (pending === undefined) return
    const read = this.#options.read(reply)
    if ('result' in read) pending.resolve(read.result)
    else pending.reject(read.error)
  }

  #died(worker: Worker, why: string): void {
    if (this.#worker === worker) this.#worker = null
    if (!this.#holds(worker)) return
    const error = this.#options.died(why)
    for (const [id, pending] of this.#inFlight) {
      if (pending.worker !== worker) continue
      this.#inFlight.delete(id)
      pending.reject(error)
    }
  }

  /** Whether the process must stay up for `worker`: it holds a call, or is being stopped. */
  #keeps(worker: Worker): boolean {
    return this.#stopping.has(worker) || this.#holds(worker)
  }

  #holds(worker: Worker): boolean {
    for (const pending of this.#inFlight.values()) if (pending.worker === worker) return true
    return false
  }
}
