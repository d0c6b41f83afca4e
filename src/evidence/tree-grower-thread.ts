/**
 * A {@link TreeGrower} that hashes on a worker thread, so integrating a
 * large run of events (two SHA-256 per event) leaves the main thread's
 * event loop, which serves requests, to the requests.
 *
 * @remarks Concurrency contract: the thread only computes; the integrator
 * still reads the chain, checks each link, and stores the nodes in the
 * store's transaction on its own side, so nothing about the tree's storage
 * changes. Runs are answered in the order sent. If the thread dies, every
 * run it held rejects and the next one starts a fresh thread; the
 * integrator's pass fails and the next pass integrates those events again.
 *
 * @module
 */
import { Worker } from 'node:worker_threads'
import { AirlockError } from '../errors/airlock-error.js'
import { ErrorCode } from '../errors/error-codes.js'
import { workerEntry } from '../internal/worker-entry.js'
import type { MerkleNode } from '../store/store.js'
import type { GrowthRequest, TreeGrower } from './tree-growth.js'

/** Main thread → grower. */
export interface GrowerRequest extends GrowthRequest {
  readonly id: number
}

/** Grower → main thread: the nodes of one run, or why there are none. */
export type GrowerReply =
  | { readonly id: number; readonly nodes: readonly MerkleNode[] }
  | { readonly id: number; readonly error: string }

interface InFlight {
  readonly worker: Worker
  readonly resolve: (nodes: readonly MerkleNode[]) => void
  readonly reject: (error: unknown) => void
}

/** Hashes runs of events on a worker thread, started on first use. */
export class TreeGrowerThread {
  #worker: Worker | null = null
  readonly #inFlight = new Map<number, InFlight>()
  #nextId = 0

  /** The grower to hand the integrator. */
  readonly grow: TreeGrower = (request) => {
    const worker = this.#started()
    const id = this.#nextId++
    return new Promise((resolve, reject) => {
      this.#inFlight.set(id, { worker, resolve, reject })
      worker.ref()
      const message: GrowerRequest = { id, ...request }
      worker.postMessage(message)
    })
  }

  /** Stops the thread; runs still in flight reject. */
  async close(): Promise<void> {
    const worker = this.#worker
    this.#worker = null
    if (worker) await worker.terminate()
  }

  #started(): Worker {
    if (this.#worker !== null) return this.#worker
    const { url, execArgv } = workerEntry(import.meta.url, 'tree-grower-worker')
    const worker = new Worker(url, execArgv ? { execArgv } : {})
    // An idle grower must not keep a process alive; a run in flight does.
    worker.unref()
    worker.on('message', (reply: GrowerReply) => this.#answer(worker, reply))
    worker.on('error', (error) => this.#died(worker, error.message))
    worker.on('exit', (code) => this.#died(worker, `it exited with code ${code}`))
    this.#worker = worker
    return worker
  }

  #answer(worker: Worker, reply: GrowerReply): void {
    const pending = this.#inFlight.get(reply.id)
    this.#inFlight.delete(reply.id)
    if (!this.#holds(worker)) worker.unref()
    if (pending === undefined) return
    if ('nodes' in reply) pending.resolve(reply.nodes)
    else
      pending.reject(new AirlockError(ErrorCode.INTERNAL, `growing the Merkle tree failed: ${reply.error}`))
  }

  #died(worker: Worker, why: string): void {
    if (this.#worker === worker) this.#worker = null
    const error = new AirlockError(
      ErrorCode.INTERNAL,
      `the Merkle tree grower thread stopped (${why}); the events are integrated on the next pass`,
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
