/**
 * Finds, for one text, the rules whose required literal occurs in it without
 * looking at every rule: literals are filed under one of their 1–3 character
 * grams and the text's grams are looked up.
 *
 * @module
 */

const SHIFT = 65_536

// Gram keys as numbers (UTF-16 units), so a lookup allocates nothing.
function gramKey(text: string, start: number, length: number): number {
  let key = 0
  for (let i = 0; i < length; i++) key = key * SHIFT + text.charCodeAt(start + i)
  return key
}

/** Merges two ascending position lists into one ascending list. */
export function mergeAscending(left: readonly number[], right: readonly number[]): number[] {
  const merged: number[] = []
  let i = 0
  let j = 0
  while (i < left.length || j < right.length) {
    const a = left[i]
    const b = right[j]
    if (b === undefined || (a !== undefined && a < b)) {
      merged.push(a!)
      i++
    } else {
      merged.push(b)
      j++
    }
  }
  return merged
}

/** Rule positions keyed by a literal each rule needs in the text. */
export class LiteralIndex {
  // Index 0, 1, 2: grams of length 1, 2, 3.
  readonly #grams: readonly Map<number, number[]>[] = [new Map(), new Map(), new Map()]
  readonly #literals = new Map<number, string>()
  #stamps = new Uint32Array(0)
  #epoch = 0

  /** How many rules are indexed. */
  get size(): number {
    return this.#literals.size
  }

  /** All indexed positions, ascending. */
  positions(): number[] {
    return [...this.#literals.keys()].sort((a, b) => a - b)
  }

  /** Files `position` (positions must be added in ascending order) under a gram of `literal`. */
  add(position: number, literal: string): void {
    const length = Math.min(3, literal.length)
    const map = this.#grams[length - 1]!
    // Of the literal's grams, pick the one with the fewest rules so far.
    let bestKey = gramKey(literal, 0, length)
    let bestSize = map.get(bestKey)?.length ?? 0
    for (let start = 1; start + length <= literal.length && bestSize > 0; start++) {
      const key = gramKey(literal, start, length)
      const size = map.get(key)?.length ?? 0
      if (size < bestSize) [bestKey, bestSize] = [key, size]
    }
    const bucket = map.get(bestKey)
    if (bucket) bucket.push(position)
    else map.set(bestKey, [position])
    this.#literals.set(position, literal)
    if (position >= this.#stamps.length) {
      const grown = new Uint32Array(Math.max(16, (position + 1) * 2))
      grown.set(this.#stamps)
      this.#stamps = grown
    }
  }

  /** Positions (ascending) of the rules whose literal occurs in `text`. */
  matching(text: string): number[] {
    const found: number[] = []
    if (this.#literals.size === 0) return found
    this.#epoch = (this.#epoch + 1) >>> 0
    if (this.#epoch === 0) {
      this.#stamps.fill(0)
      this.#epoch = 1
    }
    for (let start = 0; start < text.length; start++) {
      for (let length = 1; length <= 3 && start + length <= text.length; length++) {
        const map = this.#grams[length - 1]!
        if (map.size === 0) continue
        const bucket = map.get(gramKey(text, start, length))
        if (bucket) this.#check(bucket, text, found)
      }
    }
    return found.length > 1 ? found.sort((a, b) => a - b) : found
  }

  #check(bucket: readonly number[], text: string, found: number[]): void {
    for (const position of bucket) {
      if (this.#stamps[position] === this.#epoch) continue
      this.#stamps[position] = this.#epoch
      if (text.includes(this.#literals.get(position)!)) found.push(position)
    }
  }
}
