/**
 * YAML loading that remembers where every value came from, so configuration
 * errors can name file, line, column and field.
 *
 * @module
 */
import { readFile } from 'node:fs/promises'
import { isMap, isSeq, LineCounter, type Node, parseDocument } from 'yaml'
import type { z } from 'zod'
import { ConfigError, type ConfigIssue } from '../errors/config-error.js'
import { issueMessage } from './schema-issue.js'
import {
  documentProblems,
  documentValue,
  firstTooDeep,
  plainYamlMessage,
  TOO_DEEP_MESSAGE,
} from './yaml-document-checks.js'

export type FieldPath = readonly (string | number)[]

/** A parsed YAML document plus a way to find the source position of any path in it. */
export interface YamlSource {
  readonly file: string
  readonly value: unknown
  /** Position of the value at `path` (or of the nearest parent that exists). */
  locate(path: FieldPath): { line: number; column: number } | undefined
  /**
   * Problems that did not stop parsing (repeated keys). Every error this
   * source makes carries them, so they are reported with the rest.
   */
  readonly problems: readonly ConfigIssue[]
  /** A ConfigError located at `path`, together with {@link problems}. */
  error(path: FieldPath, message: string): ConfigError
  issue(path: FieldPath, message: string): ConfigIssue
  /** Throws `issues` and {@link problems} in file order, if there are any; a loader's last step. */
  check(issues?: readonly ConfigIssue[]): void
}

/** `rules[2].match.actions` */
export function formatFieldPath(path: FieldPath): string {
  let out = ''
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`
    else out += out === '' ? part : `.${part}`
  }
  return out
}

/** yaml's message, with the key named when it is a repeated one. */
function yamlErrorMessage(code: string, message: string, at: string): string {
  const first = message.split('\n')[0] ?? message
  if (code !== 'DUPLICATE_KEY') return first
  // The error points at the repeated key; its text runs up to the colon.
  const key = (/^\s*("[^"]*"|'[^']*'|[^:\n]*)/.exec(at)?.[1] ?? '').trim()
  return key === '' || key.length > 80
    ? 'duplicate key: each key may appear only once in a map'
    : `duplicate key '${key}': each key may appear only once in a map (the later one would silently replace the first)`
}

/**
 * Parses YAML text. Syntax errors become a located ConfigError at once;
 * repeated keys are kept in `problems` and thrown with the first error the
 * source makes (or by `check()`), so they are listed with the schema problems.
 */
export function parseYaml(file: string, text: string): YamlSource {
  const lineCounter = new LineCounter()
  // uniqueKeys: a repeated key would silently replace the first one, which is
  // exactly the kind of typo that widens a rule.
  // resolveKnownTags off: `!!binary`, `!!set`, `!!timestamp` would make
  // Buffers, Sets and Dates no schema expects; they are reported instead.
  const doc = parseDocument(text, {
    lineCounter,
    prettyErrors: false,
    uniqueKeys: true,
    merge: false,
    resolveKnownTags: false,
  })
  const located = (offset: number, message: string): ConfigIssue => {
    const pos = lineCounter.linePos(offset)
    return { file, line: pos.line, column: pos.col, message }
  }
  const errors = doc.errors.map((e) => {
    // With prettyErrors off, yaml leaves linePos unset; derive it from the offset.
    const pos = e.linePos?.[0] ?? lineCounter.linePos(e.pos[0])
    const message = plainYamlMessage(e.code, yamlErrorMessage(e.code, e.message, text.slice(e.pos[0])))
    return pos ? { file, line: pos.line, column: pos.col, message } : { file, message }
  })
  // A repeated key leaves a readable document (the later value wins in it), so
  // its schema is still checked and both kinds of problem are reported at once.
  const repeated = errors.filter((_e, i) => doc.errors[i]?.code === 'DUPLICATE_KEY')
  if (repeated.length < errors.length) throw new ConfigError(errors)
  const fail = (issues: readonly ConfigIssue[]) => new ConfigError(sortByPosition([...repeated, ...issues]))
  const structural = documentProblems(doc)
  if (structural.length > 0) throw fail(structural.map((p) => located(p.offset, p.message)))
  const converted = documentValue(doc)
  if ('problem' in converted) throw fail([located(converted.problem.offset, converted.problem.message)])
  const value = converted.value

  const nodeAt = (path: FieldPath): Node | undefined => {
    let node: unknown = doc.contents
    let found: Node | undefined = (doc.contents as Node | null) ?? undefined
    for (const part of path) {
      if (isMap(node)) {
        // The last of repeated keys, as its value is the one that was read.
        const pair = node.items.findLast((p) => {
          const k = p.key as { value?: unknown } | null
          return k !== null && typeof k === 'object' && String(k.value) === String(part)
        })
        if (!pair) break
        // Point at the key for the pair itself, at the value for deeper paths.
        found = (pair.value as Node | null) ?? (pair.key as Node)
        node = pair.value
      } else if (isSeq(node) && typeof part === 'number') {
        const item = node.items[part] as Node | undefined
        if (!item) break
        found = item
        node = item
      } else break
    }
    return found
  }

  const locate = (path: FieldPath) => {
    const node = nodeAt(path)
    // An empty document has no node at all; its problems sit at the start.
    const offset = doc.contents === null ? 0 : node?.range?.[0]
    if (offset === undefined) return undefined
    const pos = lineCounter.linePos(offset)
    return { line: pos.line, column: pos.col }
  }
  const issue = (path: FieldPath, message: string): ConfigIssue => {
    const pos = locate(path)
    const field = formatFieldPath(path)
    return { file, ...(pos ?? {}), ...(field ? { field } : {}), message }
  }
  const tooDeep = firstTooDeep(value)
  if (tooDeep) throw fail([issue(tooDeep, TOO_DEEP_MESSAGE)])
  return {
    file,
    value,
    problems: repeated,
    locate,
    issue,
    error: (path, message) => fail([issue(path, message)]),
    check: (issues = []) => {
      if (repeated.length > 0 || issues.length > 0) throw fail(issues)
    },
  }
}

/** Reads and parses a YAML file; a missing file is a ConfigError, not an ENOENT. */
export async function readYamlFile(file: string): Promise<YamlSource> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code
    throw new ConfigError(
      [{ file, message: code === 'ENOENT' ? 'file not found' : `cannot read: ${String(cause)}` }],
      {
        cause,
      },
    )
  }
  return parseYaml(file, text)
}

/**
 * Validates `source.value` (or the value at `base`) against a zod schema and
 * returns the parsed result, or throws a ConfigError naming every problem with
 * its position, the source's own {@link YamlSource.problems} included. Use
 * strict object schemas so unknown keys are errors.
 */
export function validateYaml<T>(
  source: YamlSource,
  schema: z.ZodType<T>,
  value: unknown = source.value,
  base: FieldPath = [],
): T {
  const result = schema.safeParse(value)
  if (result.success) {
    source.check()
    return result.data
  }
  const issues = result.error.issues.map((iss) => {
    const path = [...base, ...(iss.path as (string | number)[])]
    const message = issueMessage(iss, value, schema)
    // Point at the unknown key itself rather than at the map that holds it.
    if (iss.code === 'unrecognized_keys') return source.issue([...path, iss.keys[0] ?? ''], message)
    return source.issue(path, message)
  })
  throw new ConfigError(sortByPosition([...source.problems, ...issues]))
}

/** Issues in the order they appear in the file, so a long list reads top to bottom. */
export function sortByPosition(issues: readonly ConfigIssue[]): ConfigIssue[] {
  return [...issues].sort(
    (a, b) =>
      a.file.localeCompare(b.file) || (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0),
  )
}
