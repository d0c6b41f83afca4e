/**
 * Verifying RFC 9162 inclusion and consistency proofs (§2.1.3.2, §2.1.4.2):
 * what a client holding only a signed root, a leaf and a proof can check.
 *
 * @module
 */
import { secretEqual } from '../internal/secret-equal.js'
import { EMPTY_ROOT, HASH_SIZE, nodeHash } from './rfc6962.js'

function same(a: Uint8Array, b: Uint8Array): boolean {
  return secretEqual(a, b)
}

function wellFormed(proof: readonly Uint8Array[]): boolean {
  return proof.every((p) => p instanceof Uint8Array && p.length === HASH_SIZE)
}

/** True when `proof` shows the leaf with hash `leaf` at `index` in the tree of `size` leaves whose root is `root`. */
export function verifyInclusion(
  index: number,
  size: number,
  leaf: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return false
  if (!wellFormed(proof)) return false
  // Numbers beyond 2^31 lose bits under JavaScript's 32-bit shifts; halve arithmetically instead.
  let fn = index
  let sn = size - 1
  let r = leaf
  for (const p of proof) {
    if (sn === 0) return false
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r)
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2)
        sn = Math.floor(sn / 2)
      }
    } else {
      r = nodeHash(r, p)
    }
    fn = Math.floor(fn / 2)
    sn = Math.floor(sn / 2)
  }
  return sn === 0 && same(r, root)
}

function isPowerOfTwo(n: number): boolean {
  while (n > 1 && n % 2 === 0) n /= 2
  return n === 1
}

/** True when `proof` shows the tree of `first` leaves with root `firstRoot` is a prefix of the tree of `second` leaves with root `secondRoot`. */
export function verifyConsistency(
  first: number,
  second: number,
  firstRoot: Uint8Array,
  secondRoot: Uint8Array,
  proof: readonly Uint8Array[],
): boolean {
  if (!Number.isSafeInteger(first) || !Number.isSafeInteger(second) || first < 0 || first > second) {
    return false
  }
  if (!wellFormed(proof)) return false
  if (first === 0) return proof.length === 0 && same(firstRoot, EMPTY_ROOT)
  if (first === second) return proof.length === 0 && same(firstRoot, secondRoot)
  if (proof.length === 0) return false
  const path = isPowerOfTwo(first) ? [firstRoot, ...proof] : [...proof]
  let fn = first - 1
  let sn = second - 1
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2)
    sn = Math.floor(sn / 2)
  }
  let fr = path[0]!
  let sr = path[0]!
  for (const c of path.slice(1)) {
    if (sn === 0) return false
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr)
      sr = nodeHash(c, sr)
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2)
        sn = Math.floor(sn / 2)
      }
    } else {
      sr = nodeHash(sr, c)
    }
    fn = Math.floor(fn / 2)
    sn = Math.floor(sn / 2)
  }
  return sn === 0 && same(fr, firstRoot) && same(sr, secondRoot)
}
