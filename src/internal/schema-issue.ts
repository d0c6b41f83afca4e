/**
 * Turns a zod issue into a message a person can act on: a missing key says
 * it is missing, a bad choice repeats the value given and lists the allowed
 * ones, an unknown key suggests the nearest known key at that level.
 *
 * @module
 */
import type { z } from 'zod'
import { closestName } from './did-you-mean.js'

type Path = readonly (string | number)[]

/** The smallest slice of zod's internal definition this module reads. */
interface SchemaDef {
  readonly type?: string
  readonly shape?: Record<string, unknown>
  readonly innerType?: unknown
  readonly in?: unknown
  readonly out?: unknown
  readonly element?: unknown
  readonly valueType?: unknown
  readonly options?: readonly unknown[]
  readonly left?: unknown
  readonly right?: unknown
  readonly getter?: () => unknown
}

function defOf(schema: unknown): SchemaDef | undefined {
  return (schema as { _zod?: { def?: SchemaDef } } | null)?._zod?.def
}

/** Every object schema a value at this schema may be checked against (unions give several). */
function objectSchemas(schema: unknown, depth = 0): SchemaDef[] {
  const def = defOf(schema)
  if (def === undefined || depth > 20) return []
  if (def.type === 'object') return [def]
  if (def.type === 'union') return (def.options ?? []).flatMap((o) => objectSchemas(o, depth + 1))
  if (def.type === 'intersection')
    return [...objectSchemas(def.left, depth + 1), ...objectSchemas(def.right, depth + 1)]
  if (def.type === 'lazy' && def.getter) return objectSchemas(def.getter(), depth + 1)
  if (def.type === 'pipe') return objectSchemas(def.in, depth + 1)
  return def.innerType === undefined ? [] : objectSchemas(def.innerType, depth + 1)
}

/** The schema that checks the value at `path` under `schema`, following objects, arrays and records. */
function childSchemas(schema: unknown, part: string | number, depth = 0): unknown[] {
  const def = defOf(schema)
  if (def === undefined || depth > 20) return []
  const next = (s: unknown) => childSchemas(s, part, depth + 1)
  switch (def.type) {
    case 'object':
      return typeof part === 'string' && def.shape?.[part] !== undefined ? [def.shape[part]] : []
    case 'array':
      return typeof part === 'number' ? [def.element] : []
    case 'record':
      return [def.valueType]
    case 'union':
      return (def.options ?? []).flatMap(next)
    case 'intersection':
      return [...next(def.left), ...next(def.right)]
    case 'lazy':
      return def.getter ? next(def.getter()) : []
    case 'pipe':
      return next(def.in)
    default:
      return def.innerType === undefined ? [] : next(def.innerType)
  }
}

/** The keys an object at `path` may hold, as far as the schema says. */
export function knownKeysAt(schema: z.ZodType, path: Path): string[] {
  let current: unknown[] = [schema]
  for (const part of path) current = current.flatMap((s) => childSchemas(s, part))
  const keys = new Set<string>()
  for (const def of current.flatMap((s) => objectSchemas(s))) {
    for (const key of Object.keys(def.shape ?? {})) keys.add(key)
  }
  return [...keys]
}

/** The value at `path` in `root`, and whether its parent object lacks that key. */
function valueAt(root: unknown, path: Path): { value: unknown; missing: boolean } {
  let node: unknown = root
  for (const [i, part] of path.entries()) {
    if (node === null || typeof node !== 'object') return { value: undefined, missing: false }
    const last = i === path.length - 1
    if (last && !Array.isArray(node) && !Object.hasOwn(node, String(part))) {
      return { value: undefined, missing: true }
    }
    node = (node as Record<string | number, unknown>)[part]
  }
  return { value: node, missing: false }
}

/** A short rendering of a value the user wrote, for repeating it back. */
function shown(value: unknown): string {
  const text = typeof value === 'string' ? `'${value}'` : (JSON.stringify(value) ?? String(value))
  return text.length > 60 ? `${text.slice(0, 57)}…` : text
}

/** The message for one issue about `input`, checked against `schema`. */
export function issueMessage(issue: z.core.$ZodIssue, input: unknown, schema: z.ZodType): string {
  const path = issue.path as Path
  if (issue.code === 'unrecognized_keys') {
    const known = knownKeysAt(schema, path)
    const parts = issue.keys.map((key) => {
      const near = closestName(key, known)
      return near === undefined ? `'${key}'` : `'${key}' (did you mean '${near}'?)`
    })
    const suggested = parts.some((p) => p.includes('did you mean'))
    const allowed =
      !suggested && known.length > 0 && known.length <= 12 ? `; allowed here: ${known.join(', ')}` : ''
    return `unknown key${issue.keys.length > 1 ? 's' : ''} ${parts.join(', ')}${allowed}`
  }
  const at = valueAt(input, path)
  if (at.missing && (issue.code === 'invalid_type' || issue.code === 'invalid_union')) {
    return `missing required key '${String(path[path.length - 1])}'`
  }
  if (issue.code === 'invalid_value' && issue.values.length > 0) {
    // A schema's own wording is kept; zod's default one is replaced by a list a person can read.
    if (!issue.message.startsWith('Invalid option')) return `${issue.message} (got ${shown(at.value)})`
    return `${shown(at.value)} is not allowed; expected one of ${issue.values.map((v) => String(v)).join(', ')}`
  }
  if (issue.code === 'invalid_type' && issue.message.startsWith('Invalid input: expected')) {
    const got = at.value === null ? 'null' : Array.isArray(at.value) ? 'array' : typeof at.value
    return `expected ${issue.expected}, got ${got}${at.value === undefined ? '' : ` (${shown(at.value)})`}`
  }
  return issue.message
}
