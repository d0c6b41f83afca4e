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
import { AirlockError } from '../errors/airlock-error.js'
import { ErrorCode } from '../errors/error-codes.js'
import { WorkerCalls } from '../internal/worker-calls.js'
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

/** Hashes runs of events on a worker thread, started on first use. */
export class TreeGrowerThread {
  readonly #calls = new WorkerCalls<GrowerRequest, GrowerReply, readonly MerkleNode[]>({
    from: import.meta.url,
    name: 'tree-grower-worker',
    read: (reply) =>
      'nodes' in reply
        ? { result: reply.nodes }
        : { error: new AirlockError(ErrorCode.INTERNAL, `growing the Merkle tree failed: ${reply.error}`) },
    died: (why) =>
      new AirlockError(
        ErrorCode.INTERNAL,
        `the Merkle tree grower thread stopped (${why}); the events are integrated on the next pass`,
      ),
  })

  /** The grower to hand the integrator. */
  readonly grow: TreeGrower = (request) => this.#calls.call((id) => ({ id, ...request }))

  /** Stops the thread; runs still in flight reject. */
  async close(): Promise<void> {
    await this.#calls.release()?.terminate()
  }
}
