/**
 * "Did you mean …?" suggestions for mistyped names: config keys, action
 * names, inventory targets.
 *
 * @module
 */

/**
 * Edit distance (insertions, deletions, substitutions, and swaps of two
 * neighbouring characters) between two strings: `prot` is one edit from `port`.
 */
export function editDistance(a: string, b: string): number {
  let before: number[] = []
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let best = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, before[j - 2]! + 1)
      current[j] = best
    }
    before = previous
    previous = current
  }
  return previous[b.length]!
}

/**
 * The known name nearest to `given`, when it is near enough to be a likely
 * typo (at most a third of its length away, or a prefix of it), else undefined.
 */
export function closestName(given: string, known: Iterable<string>): string | undefined {
  // Long inputs are not names anyone typed; comparing them would only cost time.
  if (given.length > 200) return undefined
  const lower = given.toLowerCase()
  let best: { name: string; distance: number } | undefined
  for (const name of known) {
    if (name.length > 200) continue
    const candidate = name.toLowerCase()
    const distance = candidate.startsWith(lower) && lower.length >= 3 ? 1 : editDistance(lower, candidate)
    if (best === undefined || distance < best.distance) best = { name, distance }
  }
  if (best === undefined || (best.distance === 0 && best.name === given)) return undefined
  return best.distance <= Math.max(1, Math.floor(Math.max(given.length, best.name.length) / 3))
    ? best.name
    : undefined
}

/** `; did you mean 'x'?` when a near name exists, else the empty string. */
export function didYouMean(given: string, known: Iterable<string>): string {
  const name = closestName(given, known)
  return name === undefined ? '' : `; did you mean '${name}'?`
}
