/**
 * A literal substring that every match of a regex must contain, read from
 * the pattern's source, so rules can be skipped without running the regex.
 *
 * @module
 */

// Escapes of one letter that stand for a class or an assertion, never a literal.
const CLASS_ESCAPES = new Set(['d', 'D', 'w', 'W', 's', 'S', 'b', 'B', 'A', 'z'])
const REPEAT = /^\{(\d+)(?:,(\d*))?\}/

/** Scanner state: the literal run being read and the longest finished one. */
interface Runs {
  current: string[]
  best: string
}

function endRun(runs: Runs): void {
  const text = runs.current.join('')
  if (text.length > runs.best.length) runs.best = text
  runs.current = []
}

// Index just past the `]` closing the class that opens at `start`, or -1.
function skipClass(pattern: string, start: number): number {
  let i = start + 1
  if (pattern[i] === '^') i++
  if (pattern[i] === ']') i++
  while (i < pattern.length) {
    const c = pattern[i]
    if (c === '\\') i += 2
    else if (c === '[' && pattern[i + 1] === ':') {
      const end = pattern.indexOf(':]', i + 2)
      if (end < 0) return -1
      i = end + 2
    } else if (c === ']') return i + 1
    else i++
  }
  return -1
}

// Index just past the `)` closing the group that opens at `start`, or -1.
function skipGroup(pattern: string, start: number): number {
  let depth = 0
  let i = start
  while (i < pattern.length) {
    const c = pattern[i]
    if (c === '\\') i += 2
    else if (c === '[') {
      i = skipClass(pattern, i)
      if (i < 0) return -1
    } else {
      if (c === '(') depth++
      else if (c === ')' && --depth === 0) return i + 1
      i++
    }
  }
  return -1
}

/**
 * Applies a quantifier at `i` (if any) to the atom just read; returns the
 * index after it. `literal` says whether that atom was appended to the run.
 */
function quantify(pattern: string, i: number, runs: Runs, literal: boolean): number {
  const c = pattern[i]
  let min = -1
  let next = i
  if (c === '*' || c === '?') [min, next] = [0, i + 1]
  else if (c === '+') [min, next] = [1, i + 1]
  else if (c === '{') {
    const repeat = REPEAT.exec(pattern.slice(i))
    // A brace that is not a repeat is conservatively treated as optional.
    min = repeat ? Number(repeat[1]) : 0
    next = i + (repeat ? repeat[0].length : 1)
  }
  if (min < 0) return i
  if (min === 0 && literal) runs.current.pop()
  endRun(runs)
  return pattern[next] === '?' ? next + 1 : next
}

/**
 * The longest literal that every match of `pattern` (RE2 syntax, searched
 * unanchored, case-sensitive) contains, or undefined when none is known.
 *
 * @remarks Deliberately conservative: alternation at the top level, any
 * case-insensitive flag, `\Q…\E`, and escapes other than punctuation and the
 * plain class escapes give no literal. Groups, classes, `.` and anchors end a
 * literal run; an optional atom is dropped from it. A missing literal only
 * costs speed; a wrong one would change decisions.
 */
export function requiredLiteral(pattern: string): string | undefined {
  const runs: Runs = { current: [], best: '' }
  let i = 0
  while (i < pattern.length) {
    const c = pattern.codePointAt(i)!
    const char = String.fromCodePoint(c)
    let literal = false
    let next: number
    if (char === '|') return undefined
    if (char === '\\') {
      const escaped = pattern[i + 1] ?? ''
      if (/^[\p{P}\p{S}]$/u.test(escaped) || escaped === ' ') {
        runs.current.push(escaped)
        literal = true
      } else if (CLASS_ESCAPES.has(escaped)) endRun(runs)
      else return undefined
      next = i + 2
    } else if (char === '(') {
      const flags = /^\(\?([a-zA-Z-]*)(?:\)|:)/.exec(pattern.slice(i))
      if (flags?.[1]?.includes('i')) return undefined
      next = skipGroup(pattern, i)
      if (next < 0) return undefined
      endRun(runs)
    } else if (char === '[') {
      next = skipClass(pattern, i)
      if (next < 0) return undefined
      endRun(runs)
    } else if (char === '.' || char === '^' || char === '$' || char === ')') {
      if (char === ')') return undefined
      endRun(runs)
      next = i + 1
    } else if (char === '*' || char === '+' || char === '?' || char === '{') {
      // A quantifier with nothing literal before it (e.g. after a group).
      next = quantify(pattern, i, runs, false)
      if (next === i) return undefined
      continue
    } else {
      runs.current.push(char)
      literal = true
      next = i + char.length
    }
    i = quantify(pattern, next, runs, literal)
  }
  endRun(runs)
  return runs.best === '' ? undefined : runs.best
}
