import type { z } from 'zod'
import type { ConfigIssue } from '../errors/config-error.js'
import type { FieldPath, YamlSource } from '../internal/yaml-source.js'

/** Zod issues as located config issues; an unknown key points at the key itself. */
export function zodConfigIssues(source: YamlSource, error: z.ZodError, base: FieldPath = []): ConfigIssue[] {
  return error.issues.map((issue) => {
    const path = [...base, ...(issue.path as (string | number)[])]
    if (issue.code === 'unrecognized_keys') {
      const keys = issue.keys
      return source.issue(
        [...path, keys[0] ?? ''],
        `unknown key${keys.length > 1 ? 's' : ''} ${keys.map((k) => `'${k}'`).join(', ')}`,
      )
    }
    return source.issue(path, issue.message)
  })
}
