/**
 * A small SQL reader for policy checks. It tokenizes (comments, string
 * literals, quoted identifiers and dollar-quoted bodies are not keywords),
 * splits statements on `;` and reports what the statements do.
 *
 * @remarks Dialects disagree about `#` comments, `--` without a space,
 * backslash escapes in strings, nested and `/*! … *\/` comments, so the text
 * is read once the standard (PostgreSQL) way and once the MySQL way, and the
 * findings are merged: a difference between dialects cannot hide a statement.
 *
 * @module
 */

/** What the statements in a piece of SQL do. */
export interface SqlFindings {
  /** The first DDL or privilege keyword found (`DROP`, `TRUNCATE`, `ALTER`, `CREATE`, `GRANT`, `REVOKE`, `RENAME`), or null. */
  readonly ddl: string | null
  /** Whether any statement deletes rows. */
  readonly deletes: boolean
  /** Whether any UPDATE has no WHERE clause, or an always-true one (`WHERE 1=1`, `OR TRUE`). */
  readonly unboundedUpdate: boolean
}

interface Dialect {
  readonly hashComments: boolean
  readonly backslashEscapes: boolean
  readonly dashCommentNeedsSpace: boolean
  readonly nestedComments: boolean
  readonly versionedComments: boolean
  readonly dollarQuotes: boolean
}

const STANDARD: Dialect = {
  hashComments: false,
  backslashEscapes: false,
  dashCommentNeedsSpace: false,
  nestedComments: true,
  versionedComments: false,
  dollarQuotes: true,
}
const MYSQL: Dialect = {
  hashComments: true,
  backslashEscapes: true,
  dashCommentNeedsSpace: true,
  nestedComments: false,
  versionedComments: true,
  dollarQuotes: false,
}

type Token =
  | { readonly kind: 'word'; readonly value: string }
  | { readonly kind: 'literal'; readonly value: string }
  | { readonly kind: 'ident' }
  | { readonly kind: 'number'; readonly value: string }
  | { readonly kind: 'punct'; readonly value: string }
  | { readonly kind: 'end' }

const WORD_START = /[A-Za-z_\u0080-\uffff]/
const WORD_CHAR = /[A-Za-z0-9_$\u0080-\uffff]/

function readQuoted(text: string, start: number, quote: string, backslash: boolean): [string, number] {
  let i = start
  let value = ''
  while (i < text.length) {
    const c = text[i]!
    if (backslash && c === '\\') {
      value += text[i + 1] ?? ''
      i += 2
    } else if (c === quote) {
      if (text[i + 1] === quote) {
        value += quote
        i += 2
      } else return [value, i + 1]
    } else {
      value += c
      i++
    }
  }
  return [value, i]
}

function tokenize(text: string, d: Dialect): Token[] {
  const tokens: Token[] = []
  let i = 0
  let inVersioned = false
  while (i < text.length) {
    const c = text[i]!
    const next = text[i + 1]
    if (/\s/.test(c)) {
      i++
    } else if (c === '-' && next === '-' && (!d.dashCommentNeedsSpace || /[\s]|^$/.test(text[i + 2] ?? ''))) {
      const end = text.indexOf('\n', i)
      i = end < 0 ? text.length : end
    } else if (c === '#' && d.hashComments) {
      const end = text.indexOf('\n', i)
      i = end < 0 ? text.length : end
    } else if (c === '/' && next === '*') {
      if (d.versionedComments && text[i + 2] === '!') {
        // MySQL runs the content of /*! … */ (optionally /*!50000 … */) as SQL.
        i += 3
        while (/\d/.test(text[i] ?? '')) i++
        inVersioned = true
        continue
      }
      let level = 1
      i += 2
      while (i < text.length && level > 0) {
        if (text[i] === '*' && text[i + 1] === '/') {
          level--
          i += 2
        } else if (d.nestedComments && text[i] === '/' && text[i + 1] === '*') {
          level++
          i += 2
        } else i++
      }
    } else if (c === '*' && next === '/' && inVersioned) {
      inVersioned = false
      i += 2
    } else if (c === "'") {
      // E'…' strings take backslash escapes in every dialect.
      const prev = tokens.at(-1)
      const escaped =
        d.backslashEscapes || (prev?.kind === 'word' && prev.value === 'E' && /[eE]/.test(text[i - 1] ?? ''))
      const [value, end] = readQuoted(text, i + 1, "'", escaped)
      tokens.push({ kind: 'literal', value })
      i = end
    } else if (c === '"' || c === '`') {
      const [, end] = readQuoted(text, i + 1, c, false)
      tokens.push({ kind: 'ident' })
      i = end
    } else if (c === '$' && d.dollarQuotes) {
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(text.slice(i))
      const prev = text[i - 1] ?? ''
      if (tag !== null && !WORD_CHAR.test(prev)) {
        const close = text.indexOf(tag[0], i + tag[0].length)
        const end = close < 0 ? text.length : close
        tokens.push({ kind: 'literal', value: text.slice(i + tag[0].length, end) })
        i = close < 0 ? text.length : close + tag[0].length
      } else {
        tokens.push({ kind: 'punct', value: c })
        i++
      }
    } else if (WORD_START.test(c)) {
      let j = i + 1
      while (j < text.length && WORD_CHAR.test(text[j]!)) j++
      tokens.push({ kind: 'word', value: text.slice(i, j).toUpperCase() })
      i = j
    } else if (/[0-9]/.test(c)) {
      let j = i + 1
      while (j < text.length && /[0-9.eE]/.test(text[j]!)) j++
      tokens.push({ kind: 'number', value: text.slice(i, j) })
      i = j
    } else if (c === ';') {
      tokens.push({ kind: 'end' })
      i++
    } else {
      tokens.push({ kind: 'punct', value: c })
      i++
    }
  }
  return tokens
}

function splitStatements(tokens: readonly Token[]): Token[][] {
  const statements: Token[][] = [[]]
  for (const token of tokens) {
    if (token.kind === 'end') statements.push([])
    else statements.at(-1)!.push(token)
  }
  return statements.filter((s) => s.length > 0)
}

const DDL = new Set(['DROP', 'TRUNCATE', 'ALTER', 'CREATE', 'GRANT', 'REVOKE'])
const DYNAMIC = new Set(['DO', 'EXECUTE', 'EXEC', 'PREPARE'])
const UPDATE_PRECEDERS = new Set(['EXPLAIN', 'ANALYZE', 'VERBOSE'])

const isWord = (t: Token | undefined, value: string) => t?.kind === 'word' && t.value === value
const isPunct = (t: Token | undefined, value: string) => t?.kind === 'punct' && t.value === value

function sameConstant(a: Token | undefined, b: Token | undefined): boolean {
  return (
    a !== undefined &&
    b !== undefined &&
    a.kind === b.kind &&
    (a.kind === 'number' || a.kind === 'literal') &&
    (a as { value: string }).value === (b as { value: string }).value
  )
}

/** Whether the condition starting at `at` is trivially true (`TRUE`, `NOT FALSE`, `1=1`, `'a'='a'`). */
function tautologyAt(s: readonly Token[], at: number): boolean {
  if (isWord(s[at], 'TRUE')) return true
  if (isWord(s[at], 'NOT') && isWord(s[at + 1], 'FALSE')) return true
  return isPunct(s[at + 1], '=') && sameConstant(s[at], s[at + 2])
}

/** Whether the UPDATE at `start` lacks a (non-trivial) WHERE at its own nesting level. */
function updateUnbounded(s: readonly Token[], start: number): boolean {
  let level = 0
  let where = false
  for (let i = start + 1; i < s.length; i++) {
    const t = s[i]!
    if (isPunct(t, '(')) level++
    else if (isPunct(t, ')')) {
      if (level === 0) break
      level--
    } else if (level === 0 && (isWord(t, 'WHERE') || (where && isWord(t, 'OR')))) {
      if (tautologyAt(s, i + 1)) return true
      where = true
    }
  }
  return !where
}

function analyzeStatement(s: readonly Token[], depth: number, into: MutableFindings): void {
  const first = s[0]
  if (first?.kind === 'word' && first.value === 'RENAME') into.ddl ??= 'RENAME'
  s.forEach((t, i) => {
    if (t.kind !== 'word') return
    // TRUNCATE(x, 2) is MySQL's numeric function, not the statement.
    if (DDL.has(t.value) && !(t.value === 'TRUNCATE' && isPunct(s[i + 1], '('))) into.ddl ??= t.value
    if (t.value === 'DELETE') into.deletes = true
    if (t.value === 'UPDATE') {
      const prev = s[i - 1]
      const starts =
        prev === undefined ||
        isPunct(prev, '(') ||
        isPunct(prev, ')') ||
        (prev.kind === 'word' && UPDATE_PRECEDERS.has(prev.value))
      if (starts && !into.unboundedUpdate) {
        // Each check scans forward; past a budget, nested UPDATEs count as unbounded so the work stays linear.
        into.updateChecks++
        if (into.updateChecks > MAX_UPDATE_CHECKS || updateUnbounded(s, i)) into.unboundedUpdate = true
      }
    }
  })
  // Dynamic SQL (DO $$…$$, EXECUTE '…', EXEC('…'), also inside a DO body) runs its string bodies.
  if (depth < 4 && s.some((t) => t.kind === 'word' && DYNAMIC.has(t.value))) {
    for (const t of s) if (t.kind === 'literal') analyzeInto(t.value, depth + 1, into)
  }
}

interface MutableFindings {
  ddl: string | null
  deletes: boolean
  unboundedUpdate: boolean
  updateChecks: number
}

const MAX_UPDATE_CHECKS = 64

function analyzeInto(text: string, depth: number, into: MutableFindings): void {
  for (const dialect of [STANDARD, MYSQL]) {
    for (const statement of splitStatements(tokenize(text, dialect))) analyzeStatement(statement, depth, into)
  }
}

/** Reads `text` as SQL and reports what its statements do. */
export function analyzeSql(text: string): SqlFindings {
  const findings: MutableFindings = { ddl: null, deletes: false, unboundedUpdate: false, updateChecks: 0 }
  analyzeInto(text, 0, findings)
  return { ddl: findings.ddl, deletes: findings.deletes, unboundedUpdate: findings.unboundedUpdate }
}
