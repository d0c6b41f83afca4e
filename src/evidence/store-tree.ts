/**
 * Proofs and roots over a store's Merkle tree.
 *
 * @module
 */
import type { MerkleStore } from '../store/store.js'
import { consistencyProof, inclusionProof, type NodeReader, treeRoot } from './merkle-proofs.js'

/** Reads a store's nodes as the proof builders want them. */
export function storeNodeReader(merkle: Pick<MerkleStore, 'nodes'>): NodeReader {
  return async (keys) => {
    const rows = await merkle.nodes(keys)
    return new Map(rows.map((n) => [`${n.level}/${n.index}`, new Uint8Array(Buffer.from(n.hash, 'hex'))]))
  }
}

/** Roots and proofs of a store's tree, for sizes up to its integrated size. */
export function storeTree(merkle: Pick<MerkleStore, 'nodes'>) {
  const read = storeNodeReader(merkle)
  return {
    root: (size: number) => treeRoot(size, read),
    inclusion: (index: number, size: number) => inclusionProof(index, size, read),
    consistency: (first: number, second: number) => consistencyProof(first, second, read),
  }
}
