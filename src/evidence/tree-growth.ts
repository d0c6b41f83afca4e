/**
 * Growing the stored tree by a run of events: their leaf hashes, the new
 * nodes, and which of them a store keeps. The integrator runs it on the main
 * thread for small runs and on a worker thread (`tree-grower-thread.ts`) for
 * large ones; both run this same code.
 *
 * @module
 */
import type { MerkleNode } from '../store/store.js'
import { appendLeaves, type StoredNode } from './compact-range.js'
import { leafHashOfHex, toHex } from './rfc6962.js'
import { STORED_LEVEL } from './store-tree.js'

/** What a run of events adds to a tree of `size` leaves whose frontier is `frontier`. */
export interface GrowthRequest {
  readonly size: number
  readonly frontier: readonly StoredNode[]
  /** The events' chain hashes (hex), in chain order: leaf data of leaves `size`, `size + 1`, … */
  readonly hashes: readonly string[]
}

/** Grows a tree by one run; resolves the nodes to store, hashes as hex. */
export type TreeGrower = (request: GrowthRequest) => Promise<readonly MerkleNode[]>

/** The nodes of level ≥ {@link STORED_LEVEL} that `request`'s leaves add. */
export function storedGrowth(request: GrowthRequest): MerkleNode[] {
  const leaves = request.hashes.map(leafHashOfHex)
  const { nodes } = appendLeaves(request.size, request.frontier, leaves, STORED_LEVEL)
  return nodes.map((n) => ({ level: n.level, index: n.index, hash: toHex(n.hash) }))
}

/** {@link storedGrowth} on the calling thread. */
export const growInline: TreeGrower = async (request) => storedGrowth(request)
