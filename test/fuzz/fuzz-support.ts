/**
 * Shared pieces of the property tests: how many cases to run, what a parser
 * may do with bad input (return, or throw a located ConfigError), and inputs
 * built to hurt (alias bombs, deep nesting, huge numbers, regex traps).
 */
import fc from 'fast-check'
import { stringify } from 'yaml'
import { AirlockError } from '../../src/errors/airlock-error.js'
import { ConfigError } from '../../src/errors/config-error.js'

/**
 * Cases per property: a few dozen inside `npm test`, `AIRLOCK_FUZZ_RUNS`
 * (set by `npm run fuzz`) for a long run.
 */
export function fuzzRuns(quick: number): number {
  const wanted = Number(process.env.AIRLOCK_FUZZ_RUNS)
  return Number.isInteger(wanted) && wanted > 0 ? wanted : quick
}

/** A slow case is a hang in the making (catastrophic regex, alias expansion); generous for a loaded machine. */
export const CASE_LIMIT_MS = 2_000

/** Fails unless `error` is a ConfigError whose every issue names a line or a field. */
export function expectLocated(error: unknown, input: unknown): void {
  if (!(error instanceof ConfigError)) {
    throw new Error(`expected a ConfigError, got ${String(error)}\ninput: ${preview(input)}`, {
      cause: error,
    })
  }
  for (const issue of error.issues) {
    if (issue.line === undefined && issue.field === undefined) {
      throw new Error(`issue without line or field: ${JSON.stringify(issue)}\ninput: ${preview(input)}`)
    }
  }
}

/** Fails unless `error` is one of the project's typed errors (stable code). */
export function expectTyped(error: unknown, input: unknown): void {
  if (!AirlockError.isInstance(error)) {
    throw new Error(`expected an AirlockError, got ${String(error)}\ninput: ${preview(input)}`, {
      cause: error,
    })
  }
}

function preview(input: unknown): string {
  const text = typeof input === 'string' ? input : (JSON.stringify(input) ?? String(input))
  return text.length > 600 ? `${text.slice(0, 600)}…` : text
}

/** Runs `parse`; it must return or throw a located ConfigError, within {@link CASE_LIMIT_MS}. */
export function expectParsesOrLocates(parse: () => unknown, input: unknown): void {
  const started = performance.now()
  try {
    parse()
  } catch (error) {
    expectLocated(error, input)
  }
  expectQuick(started, input)
}

/** {@link expectParsesOrLocates} for an async parser. */
export async function expectLoadsOrLocates(load: () => Promise<unknown>, input: unknown): Promise<void> {
  const started = performance.now()
  try {
    await load()
  } catch (error) {
    expectLocated(error, input)
  }
  expectQuick(started, input)
}

export function expectQuick(started: number, input: unknown): void {
  const took = performance.now() - started
  if (took > CASE_LIMIT_MS) throw new Error(`took ${Math.round(took)} ms\ninput: ${preview(input)}`)
}

/** Strings that stress matchers: regex traps, globs, control characters, huge and odd numbers. */
export const nastyString: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom(
    '(a+)+$',
    '~(a|a)*b',
    '~(x+x+)+y',
    '^(([a-z])+.)+[A-Z]([a-z])+$',
    '[',
    '~[',
    '*',
    '**/*',
    '[!a-]',
    '\u0000',
    '\u202e',
    `\${HOME}`,
    '${',
    '1e999999',
    '-0',
    '0x7fffffffffffffffff',
    'NaN',
    '.inf',
    '~',
    'rm -rf /',
    '../../etc/passwd',
    'a'.repeat(5000),
  ),
)

/** Any JSON-like value, including the awkward ones a YAML file can hold. */
export const yamlishValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 2, arbitrary: nastyString },
  fc.constantFrom(null, true, 0, -1, 1e308, Number.MAX_SAFE_INTEGER + 2, 0.1, [], {}),
)

/** Every path into `value` (maps and lists), the root included. */
export function pathsOf(value: unknown, base: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [base]
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) out.push(...pathsOf(v, [...base, i]))
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) out.push(...pathsOf(v, [...base, k]))
  }
  return out
}

type Mutation =
  | { kind: 'replace'; at: number; with: unknown }
  | { kind: 'delete'; at: number }
  | { kind: 'add'; at: number; key: string; with: unknown }

function applyMutation(root: unknown, paths: (string | number)[][], m: Mutation): unknown {
  const path = paths[m.at % paths.length] ?? []
  if (path.length === 0) return m.kind === 'replace' ? m.with : root
  const copy = structuredClone(root)
  let parent = copy as Record<string | number, unknown>
  for (const part of path.slice(0, -1)) parent = parent[part] as Record<string | number, unknown>
  const last = path[path.length - 1] as string | number
  if (m.kind === 'replace') parent[last] = m.with
  else if (m.kind === 'delete') {
    if (Array.isArray(parent)) parent.splice(Number(last), 1)
    else delete parent[last]
  } else {
    const holder = parent[last]
    if (holder !== null && typeof holder === 'object' && !Array.isArray(holder)) {
      ;(holder as Record<string, unknown>)[m.key] = m.with
    }
  }
  return copy
}

/** `base` with one to three random edits (a value replaced, a key deleted, an unknown key added), as YAML text. */
export function mutatedYaml(base: unknown): fc.Arbitrary<string> {
  const mutation: fc.Arbitrary<Mutation> = fc.oneof(
    fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), with: yamlishValue }),
    fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
    fc.record({
      kind: fc.constant('add' as const),
      at: fc.nat(),
      key: fc.oneof(
        fc.string({ maxLength: 12 }),
        fc.constantFrom('__proto__', 'constructor', 'prot', 'rules'),
      ),
      with: yamlishValue,
    }),
  )
  return fc
    .array(mutation, { minLength: 1, maxLength: 3 })
    .map((ms) => stringify(ms.reduce((doc, m) => applyMutation(doc, pathsOf(doc), m), base)))
}

/** YAML-looking text from tokens, so anchors, tags, flow and block syntax meet in odd ways. */
export const yamlTokens: fc.Arbitrary<string> = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        'rules:',
        'policies:',
        'targets:',
        'auth:',
        '- ',
        ': ',
        '\n',
        '\n  ',
        '\n    ',
        '&a ',
        '*a',
        '&b ',
        '*b',
        '!!binary ',
        '!!set ',
        '!!timestamp ',
        '!foo ',
        '!<tag:x> ',
        '<<: ',
        '{',
        '}',
        '[',
        ']',
        ', ',
        '"',
        "'",
        '? ',
        '|',
        '>-',
        '#',
        '---',
        '...',
        '%YAML 1.1',
        '\t',
        'deny',
        'allow',
        'name: x',
      ),
      nastyString,
    ),
    { maxLength: 40 },
  )
  .map((parts) => parts.join(''))
