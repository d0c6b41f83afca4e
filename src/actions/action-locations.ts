/**
 * Remembers where each YAML-loaded action came from, so later cross-checks
 * (the catalogue, the CLI) can point at a file, line and column.
 *
 * @module
 */
import type { ConfigIssue } from '../errors/config-error.js'
import { type FieldPath, formatFieldPath, type YamlSource } from '../internal/yaml-source.js'

// Weak, so dropping a definition drops its parsed document too.
const sources = new WeakMap<object, YamlSource>()

/** Records the parsed YAML behind `definition`. */
export function rememberActionSource(definition: { readonly source: string }, source: YamlSource): void {
  sources.set(definition, source)
}

/** A ConfigIssue about `path` inside `definition`, located when it was loaded from YAML. */
export function actionIssue(
  definition: { readonly source: string },
  path: FieldPath,
  message: string,
): ConfigIssue {
  const source = sources.get(definition)
  if (source) return source.issue(path, message)
  const field = formatFieldPath(path)
  return { file: definition.source, ...(field ? { field } : {}), message }
}
