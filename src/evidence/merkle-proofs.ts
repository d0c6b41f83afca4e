/**
 * Building RFC 9162 inclusion and consistency proofs (and tree roots) from
 * stored perfect-subtree hashes, for any tree size up to the stored one.
 *
 * @remarks A proof is a list of subtree hashes, each for a range RFC 6962's
 * recursion produces. A full range is one stored node; a range cut short by
 * the tree size is the fold of the few perfect subtrees it splits into. So
 * every proof reads O(log² n) stored nodes, in one batch, and nothing needs
 * rehashing from the leaves.
 *
 * @module
 */
import { foldRange, type NodeKey, nodeId, perfectSubtrees, splitPoint } from './rfc6962.js'

/** Leaves `[start, end)`. */
export interface LeafRange {
  readonly start: number
  readonly end: number
}

/** Reads stored node hashes; a missing one is an error of the store. */
export type NodeReader = (keys: readonly NodeKey[]) => Promise<ReadonlyMap<string, Uint8Array>>

function checkSize(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a whole number ≥ 0, got ${String(value)}`)
  }
}

/** The ranges whose hashes make the inclusion proof of leaf `index` in a tree of `size` leaves, leaf side first. */
export function inclusionRanges(index: number, size: number): LeafRange[] {
  checkSize('index', index)
  checkSize('size', size)
  if (index >= size) throw new RangeError(`leaf ${index} is not in a tree of ${size} leaves`)
  const out: LeafRange[] = []
  const walk = (m: number, start: number, end: number): void => {
    if (end - start <= 1) return
    const k = splitPoint(end - start)
    if (m < k) {
      walk(m, start, start + k)
      out.push({ start: start + k, end })
    } else {
      walk(m - k, start + k, end)
      out.push({ start, end: start + k })
    }
  }
  walk(index, 0, size)
  return out
}

/** The ranges whose hashes make the consistency proof from `first` to `second` leaves (RFC 9162 §2.1.4.1). */
export function consistencyRanges(first: number, second: number): LeafRange[] {
  checkSize('first', first)
  checkSize('second', second)
  if (first > second) throw new RangeError(`a tree of ${first} leaves cannot grow into one of ${second}`)
  if (first === 0 || first === second) return []
  const out: LeafRange[] = []
  const sub = (m: number, start: number, end: number, whole: boolean): void => {
    if (m === end - start) {
      if (!whole) out.push({ start, end })
      return
    }
    const k = splitPoint(end - start)
    if (m <= k) {
      sub(m, start, start + k, whole)
      out.push({ start: start + k, end })
    } else {
      sub(m - k, start + k, end, false)
      out.push({ start, end: start + k })
    }
  }
  sub(first, 0, second, true)
  return out
}

/** Reads and folds the hashes of `ranges`, in order, with one call to `read`. */
export async function rangeHashes(ranges: readonly LeafRange[], read: NodeReader): Promise<Uint8Array[]> {
  const pieces = ranges.map((r) => perfectSubtrees(r.start, r.end))
  const wanted = new Map<string, NodeKey>()
  for (const keys of pieces) for (const key of keys) wanted.set(nodeId(key), key)
  const nodes = wanted.size === 0 ? new Map<string, Uint8Array>() : await read([...wanted.values()])
  return pieces.map((keys) =>
    foldRange(
      keys.map((key) => {
        const hash = nodes.get(nodeId(key))
        if (!hash) throw new Error(`the tree has no stored node ${nodeId(key)}`)
        return hash
      }),
    ),
  )
}

/** The root of the first `size` leaves. */
export async function treeRoot(size: number, read: NodeReader): Promise<Uint8Array> {
  checkSize('size', size)
  const [root] = await rangeHashes([{ start: 0, end: size }], read)
  return root!
}

/** The inclusion proof of leaf `index` in the tree of `size` leaves. */
export async function inclusionProof(index: number, size: number, read: NodeReader): Promise<Uint8Array[]> {
  return rangeHashes(inclusionRanges(index, size), read)
}

/** The consistency proof from the tree of `first` leaves to the tree of `second`. */
export async function consistencyProof(
  first: number,
  second: number,
  read: NodeReader,
): Promise<Uint8Array[]> {
  return rangeHashes(consistencyRanges(first, second), read)
}
