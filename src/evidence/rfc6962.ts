/**
 * RFC 6962 (RFC 9162 §2.1) hashing: the domain-separated SHA-256 of leaves
 * and interior nodes, and how a range of leaves splits into the perfect
 * subtrees whose hashes a store keeps.
 *
 * @module
 */
import { createHash, hash } from 'node:crypto'

/** Bytes of a SHA-256 hash. */
export const HASH_SIZE = 32

/** The root of a tree with no leaves: SHA-256 of the empty string. */
export const EMPTY_ROOT: Uint8Array = createHash('sha256').digest()

// One-shot hash() over the joined bytes: the same digest as a streamed
// createHash(), at about half the cost for inputs this small.
const LEAF_PREFIX = Uint8Array.of(0)
const NODE_PREFIX = Uint8Array.of(1)

// The usual inputs (a 32-byte leaf, two 32-byte children) are copied into one
// reused buffer instead of a fresh Buffer.concat each: the tree hashes two of
// them per audit event. hash() is synchronous and returns a new digest, so
// sharing the input buffer is safe.
const scratch = Buffer.alloc(1 + 2 * HASH_SIZE)
const leafInput = scratch.subarray(0, 1 + HASH_SIZE)

/** `SHA-256(0x00 || data)`. */
export function leafHash(data: Uint8Array): Uint8Array {
  if (data.length !== HASH_SIZE) return hash('sha256', Buffer.concat([LEAF_PREFIX, data]), 'buffer')
  scratch[0] = 0
  scratch.set(data, 1)
  return hash('sha256', leafInput, 'buffer')
}

/**
 * {@link leafHash} of the bytes `hex` spells (as `Buffer.from(hex, 'hex')`
 * reads them), decoded straight into the hash input.
 */
export function leafHashOfHex(hex: string): Uint8Array {
  if (hex.length !== 2 * HASH_SIZE || leafInput.write(hex, 1, 'hex') !== HASH_SIZE) {
    return leafHash(Buffer.from(hex, 'hex'))
  }
  scratch[0] = 0
  return hash('sha256', leafInput, 'buffer')
}

/** `SHA-256(0x01 || left || right)`. */
export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  if (left.length !== HASH_SIZE || right.length !== HASH_SIZE) {
    return hash('sha256', Buffer.concat([NODE_PREFIX, left, right]), 'buffer')
  }
  scratch[0] = 1
  scratch.set(left, 1)
  scratch.set(right, 1 + HASH_SIZE)
  return hash('sha256', scratch, 'buffer')
}

/**
 * A perfect subtree: `2^level` leaves starting at leaf `index * 2^level`.
 * Level 0 nodes are the leaf hashes.
 */
export interface NodeKey {
  readonly level: number
  readonly index: number
}

/** A stable string for a {@link NodeKey} (map keys, SQL batches). */
export function nodeId(key: NodeKey): string {
  return `${key.level}/${key.index}`
}

/** The largest power of two strictly below `n` (n ≥ 2): RFC 6962's split point. */
export function splitPoint(n: number): number {
  let k = 1
  while (k * 2 < n) k *= 2
  return k
}

/**
 * The perfect subtrees that make up the leaves `[start, end)`, left to right,
 * largest first.
 *
 * @remarks Only meaningful for ranges RFC 6962's recursion produces: `start`
 * is a multiple of the smallest power of two ≥ `end - start`, so every piece
 * is aligned. The range's hash is then the right fold of the pieces
 * ({@link foldRange}).
 */
export function perfectSubtrees(start: number, end: number): NodeKey[] {
  const keys: NodeKey[] = []
  let at = start
  while (at < end) {
    let size = 1
    let level = 0
    while (size * 2 <= end - at) {
      size *= 2
      level++
    }
    keys.push({ level, index: at / size })
    at += size
  }
  return keys
}

/** The hash of a range from the hashes of its {@link perfectSubtrees}: `H(p1, H(p2, … pk))`. */
export function foldRange(pieces: readonly Uint8Array[]): Uint8Array {
  if (pieces.length === 0) return EMPTY_ROOT
  let hash = pieces.at(-1)!
  for (let i = pieces.length - 2; i >= 0; i--) hash = nodeHash(pieces[i]!, hash)
  return hash
}

/** `bytes` as lowercase hex. */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')
}

/** Hex to bytes; null unless it is exactly {@link HASH_SIZE} bytes of hex. */
export function hashFromHex(hex: string): Uint8Array | null {
  if (typeof hex !== 'string' || !/^[0-9a-f]{64}$/i.test(hex)) return null
  return new Uint8Array(Buffer.from(hex, 'hex'))
}
