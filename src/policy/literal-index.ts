/**
 * Finds, for one text, the rules whose required literal occurs in it without
 * looking at every rule: literals are filed under one of their 1–3 character
 * grams and the text's grams are looked up.
 *
 * @module
 */

// Gram keys are 30-bit hashes, small integers that V8 keeps unboxed, so a
// lookup neither allocates nor hashes a heap number. Two grams may share a
// key: a candidate is always checked against the text itself.
const SEED = 0x2b_1f_3a
function extendKey(key: number, code: number): number {
  return Math.imul(key ^ code, 0x01_00_01_93) >>> 2
}

function gramKey(text: string, start: number, length: number): number {
  let key = SEED
  for (let i = 0; i < length; i++) key = extendKey(key, text.charCodeAt(start + i))
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

/**
 * Rule positions keyed by a literal each rule needs in the text.
 *
 * @remarks Each literal is filed under one of its grams (the one with the
 * fewest literals so far) with that gram's offset in it. A text is read
 * once: at each of its positions, the grams of length 1 to 3 starting there
 * are looked up, and each literal filed under one is checked where it would
 * have to start for the gram to be that part of it.
 */
export class LiteralIndex {
  // Index 0, 1, 2: grams of length 1, 2, 3; a bucket holds entry numbers.
  readonly #grams: readonly Map<number, number[]>[] = [new Map(), new Map(), new Map()]
  // Entry n: the rule position, its literal, and the offset of the gram it is filed under.
  readonly #positions: number[] = []
  readonly #literals: string[] = []
  readonly #offsets: number[] = []
  #stamps = new Uint32Array(0)
  #epoch = 0

  /** How many rules are indexed. */
  get size(): number {
    return this.#positions.length
  }

  /** All indexed positions, ascending. */
  positions(): number[] {
    return [...this.#positions]
  }

  /** Files `position` (positions must be added in ascending order) under a gram of `literal`. */
  add(position: number, literal: string): void {
    const length = Math.min(3, literal.length)
    const map = this.#grams[length - 1]!
    // Of the literal's grams, pick the one with the fewest literals so far.
    let bestKey = gramKey(literal, 0, length)
    let bestSize = map.get(bestKey)?.length ?? 0
    let bestOffset = 0
    for (let start = 1; start + length <= literal.length && bestSize > 0; start++) {
      const key = gramKey(literal, start, length)
      const size = map.get(key)?.length ?? 0
      if (size < bestSize) [bestKey, bestSize, bestOffset] = [key, size, start]
    }
    const entry = this.#positions.length
    this.#positions.push(position)
    this.#literals.push(literal)
    this.#offsets.push(bestOffset)
    const bucket = map.get(bestKey)
    if (bucket) bucket.push(entry)
    else map.set(bestKey, [entry])
    if (position >= this.#stamps.length) {
      const grown = new Uint32Array(Math.max(16, (position + 1) * 2))
      grown.set(this.#stamps)
      this.#stamps = grown
    }
  }

  /** Positions (ascending) of the rules whose literal occurs in `text`. */
  matching(text: string): number[] {
    const found: number[] = []
    if (this.#positions.length === 0) return found
    this.#epoch = (this.#epoch + 1) >>> 0
    if (this.#epoch === 0) {
      this.#stamps.fill(0)
      this.#epoch = 1
    }
    const [ones, twos, threes] = this.#grams as [
      Map<number, number[]>,
      Map<number, number[]>,
      Map<number, number[]>,
    ]
    const end = text.length
    for (let start = 0; start < end; start++) {
      let key = extendKey(SEED, text.charCodeAt(start))
      let bucket = ones.size > 0 ? ones.get(key) : undefined
      if (bucket) this.#check(bucket, text, start, found)
      if (start + 1 >= end) continue
      key = extendKey(key, text.charCodeAt(start + 1))
      bucket = twos.size > 0 ? twos.get(key) : undefined
      if (bucket) this.#check(bucket, text, start, found)
      if (start + 2 >= end || threes.size === 0) continue
      bucket = threes.get(extendKey(key, text.charCodeAt(start + 2)))
      if (bucket) this.#check(bucket, text, start, found)
    }
    return found.length > 1 ? found.sort((a, b) => a - b) : found
  }

  // `start`: where in the text the bucket's gram was found.
  #check(bucket: readonly number[], text: string, start: number, found: number[]): void {
    for (const entry of bucket) {
      const position = this.#positions[entry]!
      if (this.#stamps[position] === this.#epoch) continue
      const from = start - this.#offsets[entry]!
      if (from >= 0 && text.startsWith(this.#literals[entry]!, from)) {
        this.#stamps[position] = this.#epoch
        found.push(position)
      }
    }
  }
}
