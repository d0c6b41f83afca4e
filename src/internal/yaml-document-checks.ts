/**
 * What the yaml library lets through but a configuration file must not
 * contain: unknown tags (a warning there), map keys that are maps or lists (a
 * process warning, then a stringified key), aliases to no anchor (a throw while
 * converting), an alias inside its own anchor (a cyclic value), alias chains
 * that expand to a huge value, and values nested deeper than any real file.
 *
 * @module
 */
import { type Document, isAlias, isCollection, type Node, visit } from 'yaml'
import type { FieldPath } from './yaml-source.js'

/** A problem at an offset of the source text. */
export interface YamlProblem {
  readonly offset: number
  readonly message: string
}

/**
 * How many times anchors may be copied in while converting (yaml's own
 * measure). Real files use a handful; a "billion laughs" document needs
 * millions.
 */
export const MAX_YAML_ALIASES = 100

/** Deepest nesting of maps and lists accepted; the deepest shipped file uses about ten. */
export const MAX_YAML_DEPTH = 64

/** What a file nested deeper than {@link MAX_YAML_DEPTH} is told. */
export const TOO_DEEP_MESSAGE = `nested too deeply (at most ${MAX_YAML_DEPTH} levels of maps and lists)`

const PLAIN_TAGS = new Set(['str', 'int', 'float', 'bool', 'null', 'map', 'seq'])

function tagProblem(message: string, offset: number): YamlProblem {
  const tag = /^Unresolved tag: (.*)$/.exec(message)?.[1] ?? 'this tag'
  const short = tag.replace(/^tag:yaml\.org,2002:/, '!!')
  return {
    offset,
    message: `unknown tag '${short}': only plain values are read (strings, numbers, booleans, null, maps and lists; tags ${[...PLAIN_TAGS].map((t) => `!!${t}`).join(', ')}); remove the tag`,
  }
}

/** Unknown tags, collection keys and bad aliases, in source order. Run before converting the document. */
export function documentProblems(doc: Document): YamlProblem[] {
  const problems: YamlProblem[] = doc.warnings
    .filter((w) => w.code === 'TAG_RESOLVE_FAILED')
    .map((w) => tagProblem(w.message, w.pos[0]))
  visit(doc, {
    Pair(_key, pair) {
      const key = pair.key as Node | null
      const resolved = isAlias(key) ? (key.resolve(doc) as Node | undefined) : key
      if (isCollection(resolved)) {
        // yaml would turn such a key into a string and print a process warning.
        problems.push({
          offset: key?.range?.[0] ?? 0,
          message: 'a map key must be a plain value (a name, number or boolean), not a map or a list',
        })
      }
    },
    Alias(_key, alias) {
      const offset = alias.range?.[0] ?? 0
      const target = alias.resolve(doc) as Node | undefined
      if (!target) {
        problems.push({
          offset,
          message: `alias '*${alias.source}' refers to no anchor: define '&${alias.source}' before using it`,
        })
      } else if (target.range && target.range[0] <= offset && offset < target.range[2]) {
        problems.push({
          offset,
          message: `alias '*${alias.source}' is inside the value its anchor names, which would make it infinite`,
        })
      }
    },
  })
  return problems.sort((a, b) => a.offset - b.offset)
}

function firstAliasOffset(doc: Document): number {
  let offset = 0
  visit(doc, {
    Alias(_key, alias) {
      offset = alias.range?.[0] ?? 0
      return visit.BREAK
    },
  })
  return offset
}

/** The document as plain data, or why it could not be converted. */
export function documentValue(doc: Document): { value: unknown } | { problem: YamlProblem } {
  try {
    return { value: doc.toJS({ maxAliasCount: MAX_YAML_ALIASES }) }
  } catch (error) {
    // yaml throws a ReferenceError when aliases expand beyond maxAliasCount.
    if (!(error instanceof ReferenceError)) throw error
    return {
      problem: {
        offset: firstAliasOffset(doc),
        message: `anchors and aliases expand to too large a value (more than ${MAX_YAML_ALIASES} copies); write the values out or use fewer aliases`,
      },
    }
  }
}

/** The path of the first value nested deeper than `limit`, or undefined. */
export function firstTooDeep(value: unknown, limit = MAX_YAML_DEPTH): FieldPath | undefined {
  const walk = (v: unknown, path: (string | number)[]): FieldPath | undefined => {
    if (v === null || typeof v !== 'object') return undefined
    if (path.length >= limit) return path
    const entries: [string | number, unknown][] = Array.isArray(v)
      ? v.map((item, i) => [i, item])
      : Object.entries(v)
    for (const [key, item] of entries) {
      const found = walk(item, [...path, key])
      if (found) return found
    }
    return undefined
  }
  return walk(value, [])
}

/** yaml's messages that name its own API or internals, in the file author's terms. */
export function plainYamlMessage(code: string, message: string): string {
  if (code === 'MULTIPLE_DOCS')
    return "the file holds more than one YAML document; remove the '---' separator"
  // yaml catches its own stack overflow on very deep flow collections.
  if (/Maximum call stack size exceeded/.test(message)) return TOO_DEEP_MESSAGE
  return message
}
