import type { z } from 'zod'
import type { ParamIssue } from '../actions/action-definition.js'
import { paramPath } from '../actions/param-path.js'

/** Where in the request a value came from; the first element of every issue path. */
export type RequestPart = 'path' | 'query' | 'header' | 'body'

/**
 * zod issues about a request as `ParamIssue`s whose path starts with the
 * request part (`['query', 'limit']`) and whose message names the field.
 * Parse with `reportInput: true` so a missing field can be told from a wrong one.
 */
export function requestIssues(part: RequestPart, issues: readonly z.core.$ZodIssue[]): ParamIssue[] {
  const out: ParamIssue[] = []
  for (const issue of issues) {
    const path = [part, ...issue.path.map((p) => (typeof p === 'number' ? p : String(p)))]
    const name = paramPath(path)
    switch (issue.code) {
      case 'unrecognized_keys':
        for (const key of issue.keys) {
          const keyPath = [...path, key]
          out.push({
            path: keyPath,
            code: 'unknown_key',
            message: `${paramPath(keyPath)} is not a known field`,
          })
        }
        break
      case 'invalid_type':
        if (issue.input === undefined) out.push({ path, code: 'missing', message: `${name} is required` })
        else out.push({ path, code: 'invalid_type', message: `${name}: ${issue.message}` })
        break
      case 'too_small':
      case 'too_big':
      case 'invalid_format':
      case 'custom':
        out.push({ path, code: issue.code, message: `${name}: ${issue.message}` })
        break
      default:
        out.push({ path, code: 'invalid_value', message: `${name}: ${issue.message}` })
    }
  }
  return out
}
