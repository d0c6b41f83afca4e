/**
 * Proofs and roots over a store's Merkle tree, which keeps only its upper
 * levels: a node below {@link STORED_LEVEL} is rebuilt from the chain links
 * of the (at most 2^STORED_LEVEL) events under it when a proof needs it.
 *
 * @remarks Storing every node cost two rows per event on the append path;
 * storing levels ≥ 8 costs one row per 128 events, and a proof reads at
 * most two blocks of 256 links more. A rebuilt node commits to the chain
 * hashes as they are now; a link changed after integration therefore gives
 * proofs that do not verify against a checkpoint signed before the change,
 * and the checkpointer's consistency check refuses to sign over it.
 *
 * @module
 */
import { AirlockError } from '../errors/airlock-error.js'
import { ErrorCode } from '../errors/error-codes.js'
import type { MerkleStore } from '../store/store.js'
import { consistencyProof, inclusionProof, type NodeReader, treeRoot } from './merkle-proofs.js'
import { leafHashOfHex, type NodeKey, nodeHash, nodeId } from './rfc6962.js'

/** The lowest level whose nodes a store keeps; lower ones are rebuilt from the chain. */
export const STORED_LEVEL = 8

const BLOCK = 2 ** STORED_LEVEL

/** What rebuilding and reading nodes needs from a store. */
export type TreeSource = Pick<MerkleStore, 'nodes' | 'links'>

/** The leaf hashes of the block of {@link BLOCK} leaves starting at `start` (fewer at the chain's end). */
async function blockLeaves(merkle: TreeSource, start: number): Promise<Uint8Array[]> {
  const links = await merkle.links(start, BLOCK)
  const leaves: Uint8Array[] = []
  for (const link of links) {
    if (link.seq !== start + leaves.length + 1) break
    leaves.push(leafHashOfHex(link.hash))
  }
  return leaves
}

/** The hash of the perfect subtree `key` from the leaf hashes of its block. */
function subtreeHash(
  key: NodeKey,
  blockStart: number,
  leaves: readonly Uint8Array[],
): Uint8Array | undefined {
  const first = key.index * 2 ** key.level - blockStart
  let row = leaves.slice(first, first + 2 ** key.level)
  if (row.length !== 2 ** key.level) return undefined
  while (row.length > 1) {
    const up: Uint8Array[] = []
    for (let i = 0; i < row.length; i += 2) up.push(nodeHash(row[i]!, row[i + 1]!))
    row = up
  }
  return row[0]
}

/**
 * Leaf hashes of blocks already read, by block start: one checkpoint's root
 * and consistency proof both need the tree's last block, and sharing it
 * reads and hashes it once.
 */
export type BlockCache = Map<number, Uint8Array[]>

/** Rebuilds the low nodes `keys` from the chain links beneath them. */
async function rebuildLow(
  merkle: TreeSource,
  keys: readonly NodeKey[],
  blocks: BlockCache | undefined,
): Promise<Map<string, Uint8Array>> {
  const byBlock = new Map<number, NodeKey[]>()
  for (const key of keys) {
    const start = Math.floor((key.index * 2 ** key.level) / BLOCK) * BLOCK
    const group = byBlock.get(start)
    if (group) group.push(key)
    else byBlock.set(start, [key])
  }
  const out = new Map<string, Uint8Array>()
  for (const [start, wanted] of byBlock) {
    const leaves = blocks?.get(start) ?? (await blockLeaves(merkle, start))
    blocks?.set(start, leaves)
    for (const key of wanted) {
      const hash = subtreeHash(key, start, leaves)
      if (!hash) {
        throw new AirlockError(
          ErrorCode.STORE_ERROR,
          `the Merkle node ${nodeId(key)} cannot be rebuilt: audit events after seq ${start + leaves.length} are missing from the chain; run airlock audit verify`,
        )
      }
      out.set(nodeId(key), hash)
    }
  }
  return out
}

/**
 * Reads a store's nodes as the proof builders want them, rebuilding the low
 * ones; with `blocks`, each block of the chain is read once for the reader's
 * life, so give one only to a reader used for one moment's proofs.
 */
export function storeNodeReader(merkle: TreeSource, blocks?: BlockCache): NodeReader {
  return async (keys) => {
    const low = keys.filter((k) => k.level < STORED_LEVEL)
    const high = keys.filter((k) => k.level >= STORED_LEVEL)
    const out = low.length > 0 ? await rebuildLow(merkle, low, blocks) : new Map<string, Uint8Array>()
    if (high.length > 0) {
      for (const n of await merkle.nodes(high)) {
        out.set(`${n.level}/${n.index}`, new Uint8Array(Buffer.from(n.hash, 'hex')))
      }
    }
    return out
  }
}

/** Roots and proofs of a store's tree, for sizes up to its integrated size (`blocks`: see {@link storeNodeReader}). */
export function storeTree(merkle: TreeSource, blocks?: BlockCache) {
  const read = storeNodeReader(merkle, blocks)
  return {
    root: (size: number) => treeRoot(size, read),
    inclusion: (index: number, size: number) => inclusionProof(index, size, read),
    consistency: (first: number, second: number) => consistencyProof(first, second, read),
  }
}
