/**
 * Shell-style globs with Python `fnmatch` semantics.
 *
 * @module
 */

/** A compiled predicate over strings. */
export type StringTest = (value: string) => boolean

type Token =
  | { readonly kind: 'char'; readonly char: string }
  | { readonly kind: 'any' }
  | { readonly kind: 'star' }
  | {
      readonly kind: 'set'
      readonly negated: boolean
      readonly items: readonly (readonly [string, string])[]
    }

const SURROGATE = /[\uD800-\uDFFF]/

// Python works on code points; split the same way so `?` eats one character
// even outside the BMP.
function chars(value: string): readonly string[] {
  return SURROGATE.test(value) ? Array.from(value) : value.split('')
}

/** True when `pattern` contains a glob metacharacter (`*`, `?` or `[`). */
export function isGlobPattern(pattern: string): boolean {
  return pattern.includes('*') || pattern.includes('?') || pattern.includes('[')
}

function parseSet(pattern: readonly string[], open: number): { token: Token; next: number } | undefined {
  // Mirrors fnmatch.translate: `!` negates, a `]` right after `[` or `[!` is a
  // member, and an unterminated `[` is a literal.
  let j = open + 1
  const negated = pattern[j] === '!'
  if (negated) j++
  const start = j
  if (pattern[j] === ']') j++
  while (j < pattern.length && pattern[j] !== ']') j++
  if (j >= pattern.length) return undefined
  const body = pattern.slice(start, j)
  const items: (readonly [string, string])[] = []
  for (let k = 0; k < body.length; ) {
    const c = body[k]!
    const hi = body[k + 2]
    if (body[k + 1] === '-' && hi !== undefined) {
      // An inverted range such as `z-a` is empty, as in Python >= 3.9.
      if (c <= hi) items.push([c, hi])
      k += 3
    } else {
      items.push([c, c])
      k += 1
    }
  }
  return { token: { kind: 'set', negated, items }, next: j + 1 }
}

function tokenize(pattern: string): Token[] {
  const source = chars(pattern)
  const tokens: Token[] = []
  for (let i = 0; i < source.length; ) {
    const c = source[i]!
    if (c === '*') {
      if (tokens.at(-1)?.kind !== 'star') tokens.push({ kind: 'star' })
      i++
    } else if (c === '?') {
      tokens.push({ kind: 'any' })
      i++
    } else if (c === '[') {
      const set = parseSet(source, i)
      if (set) {
        tokens.push(set.token)
        i = set.next
      } else {
        tokens.push({ kind: 'char', char: c })
        i++
      }
    } else {
      tokens.push({ kind: 'char', char: c })
      i++
    }
  }
  return tokens
}

function matchOne(token: Token, c: string): boolean {
  switch (token.kind) {
    case 'char':
      return token.char === c
    case 'any':
      return true
    case 'star':
      return false
    case 'set': {
      let inSet = false
      for (const [lo, hi] of token.items) {
        if (lo <= c && c <= hi) {
          inSet = true
          break
        }
      }
      return inSet !== token.negated
    }
  }
}

// Every non-star token consumes exactly one character, so remembering only the
// last star is enough: the match is O(pattern × input) at worst, never exponential.
function matchTokens(tokens: readonly Token[], input: readonly string[]): boolean {
  let t = 0
  let s = 0
  let starAt = -1
  let starInput = 0
  while (s < input.length) {
    const token = tokens[t]
    if (token !== undefined && token.kind !== 'star' && matchOne(token, input[s]!)) {
      t++
      s++
    } else if (token?.kind === 'star') {
      starAt = t
      starInput = s
      t++
    } else if (starAt >= 0) {
      t = starAt + 1
      starInput++
      s = starInput
    } else return false
  }
  while (tokens[t]?.kind === 'star') t++
  return t === tokens.length
}

/**
 * Compiles a glob into a whole-string, case-sensitive matcher.
 *
 * @remarks Python `fnmatch` semantics: `*` matches any run of characters
 * including `/`, `?` exactly one, `[seq]` / `[!seq]` a character class with
 * `a-z` ranges. There is no `**`, brace expansion or escaping; an unterminated
 * `[` is a literal. Never throws: every string is a valid glob.
 */
export function compileGlob(pattern: string): StringTest {
  if (!isGlobPattern(pattern)) return (value) => value === pattern
  const tokens = tokenize(pattern)
  if (tokens.length === 1 && tokens[0]!.kind === 'star') return () => true
  // `prefix*` is by far the most common shape; avoid the general loop for it.
  const last = tokens.length - 1
  if (tokens[last]?.kind === 'star' && tokens.slice(0, last).every((t) => t.kind === 'char')) {
    const prefix = pattern.slice(0, -1)
    if (!isGlobPattern(prefix)) return (value) => value.startsWith(prefix)
  }
  return (value) => matchTokens(tokens, chars(value))
}
