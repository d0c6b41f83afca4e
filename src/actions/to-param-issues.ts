/**
 * Turns zod issues into Airlock's `ParamIssue`s: paths kept, codes mapped to
 * a small stable set, input values left out (they may be secrets).
 *
 * @module
 */
import type { z } from 'zod'
import type { ParamIssue } from './action-definition.js'
import { paramPath } from './param-path.js'

type Path = (string | number)[]

function toPath(path: readonly PropertyKey[]): Path {
  return path.map((p) => (typeof p === 'number' ? p : String(p)))
}

/**
 * Maps zod issues (parsed with `reportInput: true`, so absent keys can be
 * told from wrong types) to `ParamIssue`s.
 *
 * @remarks Each unrecognized key becomes its own `unknown_key` issue with the
 * key in its path, so a client can point at every offending field.
 */
export function toParamIssues(issues: readonly z.core.$ZodIssue[]): ParamIssue[] {
  const out: ParamIssue[] = []
  for (const issue of issues) {
    const path = toPath(issue.path)
    switch (issue.code) {
      case 'invalid_type':
        if (issue.input === undefined) {
          out.push({ path, code: 'missing', message: `Missing required parameter: ${paramPath(path)}` })
        } else out.push({ path, code: 'invalid_type', message: issue.message })
        break
      case 'unrecognized_keys':
        for (const key of issue.keys) {
          const keyPath = [...path, key]
          out.push({
            path: keyPath,
            code: 'unknown_key',
            message: `Unknown parameter: ${paramPath(keyPath)}`,
          })
        }
        break
      case 'too_small':
      case 'too_big':
      case 'invalid_format':
      case 'custom':
        out.push({ path, code: issue.code, message: issue.message })
        break
      default:
        // not_multiple_of, invalid_value, invalid_union, invalid_key, invalid_element
        out.push({ path, code: 'invalid_value', message: issue.message })
    }
  }
  return out
}
