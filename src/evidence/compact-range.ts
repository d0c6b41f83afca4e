/**
 * Appending leaves to a tree whose state is its stored perfect subtrees.
 *
 * @remarks The frontier of a tree of `n` leaves is one perfect subtree per
 * set bit of `n` (the compact range `[0, n)`); appending a leaf adds its
 * level-0 node and merges equal-sized neighbours upwards, so each leaf adds
 * on average two stored nodes and reads nothing but the frontier.
 *
 * @module
 */
import { foldRange, type NodeKey, nodeHash, perfectSubtrees } from './rfc6962.js'

/** A perfect subtree and its hash. */
export interface StoredNode extends NodeKey {
  readonly hash: Uint8Array
}

/** The frontier's node keys for a tree of `size` leaves, largest (leftmost) first. */
export function frontierKeys(size: number): NodeKey[] {
  return perfectSubtrees(0, size)
}

/**
 * Appends `leaves` (leaf hashes) to a tree of `size` leaves whose frontier is
 * `frontier` (as {@link frontierKeys} orders it). Returns every new node of
 * level `keepFrom` or above, to store, and the new frontier.
 */
export function appendLeaves(
  size: number,
  frontier: readonly StoredNode[],
  leaves: readonly Uint8Array[],
  keepFrom = 0,
): { nodes: StoredNode[]; frontier: StoredNode[] } {
  const stack = [...frontier]
  const nodes: StoredNode[] = []
  let n = size
  for (const leaf of leaves) {
    let node: StoredNode = { level: 0, index: n, hash: leaf }
    if (keepFrom === 0) nodes.push(node)
    // A node with an odd index has its left sibling on top of the stack.
    while (node.index % 2 === 1) {
      const left = stack.pop()
      if (!left || left.level !== node.level || left.index !== node.index - 1) {
        throw new Error(`the frontier does not match a tree of ${n} leaves`)
      }
      node = { level: node.level + 1, index: (node.index - 1) / 2, hash: nodeHash(left.hash, node.hash) }
      if (node.level >= keepFrom) nodes.push(node)
    }
    stack.push(node)
    n++
  }
  return { nodes, frontier: stack }
}

/**
 * A tree kept as its frontier only: enough to append leaves and compute the
 * root, in O(log n) memory. Verifiers rebuilding a root from a stream of
 * events use it; proofs need the stored nodes instead.
 */
export class CompactTree {
  #size = 0
  #frontier: StoredNode[] = []

  /** Leaves appended so far. */
  get size(): number {
    return this.#size
  }

  /** Appends one leaf hash. */
  append(leaf: Uint8Array): void {
    this.#frontier = appendLeaves(this.#size, this.#frontier, [leaf]).frontier
    this.#size++
  }

  /** The RFC 6962 root of the leaves appended so far. */
  root(): Uint8Array {
    return foldRange(this.#frontier.map((node) => node.hash))
  }
}
