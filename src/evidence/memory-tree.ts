/**
 * A Merkle tree held in memory: the stored-node layout of the SQL stores,
 * kept in a map. The memory store and offline tools (rebuilding a tree from
 * an exported file) use it.
 *
 * @module
 */
import { appendLeaves, frontierKeys, type StoredNode } from './compact-range.js'
import { consistencyProof, inclusionProof, type NodeReader, treeRoot } from './merkle-proofs.js'
import { nodeId } from './rfc6962.js'

/** An append-only tree of leaf hashes. */
export class MemoryTree {
  readonly #nodes = new Map<string, Uint8Array>()
  #size = 0

  get size(): number {
    return this.#size
  }

  /** Reads stored nodes, as a store would. */
  readonly read: NodeReader = async (keys) => {
    const out = new Map<string, Uint8Array>()
    for (const key of keys) {
      const hash = this.#nodes.get(nodeId(key))
      if (hash) out.set(nodeId(key), hash)
    }
    return out
  }

  /** Appends leaf hashes. */
  append(leaves: readonly Uint8Array[]): void {
    const frontier: StoredNode[] = frontierKeys(this.#size).map((key) => ({
      ...key,
      hash: this.#nodes.get(nodeId(key))!,
    }))
    const { nodes } = appendLeaves(this.#size, frontier, leaves)
    for (const node of nodes) this.#nodes.set(nodeId(node), node.hash)
    this.#size += leaves.length
  }

  root(size = this.#size): Promise<Uint8Array> {
    return treeRoot(size, this.read)
  }

  inclusion(index: number, size = this.#size): Promise<Uint8Array[]> {
    return inclusionProof(index, size, this.read)
  }

  consistency(first: number, second = this.#size): Promise<Uint8Array[]> {
    return consistencyProof(first, second, this.read)
  }
}
