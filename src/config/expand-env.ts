/**
 * `${VAR}` references in configuration string values, so secrets can come
 * from the environment instead of sitting in the file.
 *
 * @module
 */
import type { FieldPath } from '../internal/yaml-source.js'

const REFERENCE = /\$\$\{|\$\{([^}]*)\}/g
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/

/** A reference that could not be expanded, and where it sits. */
export interface EnvProblem {
  readonly path: FieldPath
  readonly message: string
}

/**
 * Returns a copy of `value` with every `${NAME}` in a string replaced by the
 * variable's value. `$${` stands for a literal `${`.
 *
 * @remarks Keys are never expanded, only values. A missing or malformed
 * reference is reported with its path (all of them, not only the first) and
 * left in place; the caller turns the problems into a located error.
 */
export function expandEnv(
  value: unknown,
  env: Readonly<Record<string, string | undefined>>,
  problems: EnvProblem[],
  path: FieldPath = [],
): unknown {
  if (typeof value === 'string') {
    return value.replace(REFERENCE, (whole, name: string | undefined) => {
      if (name === undefined) return '${'
      if (!NAME.test(name)) {
        problems.push({
          path,
          message: `'${whole}' is not a variable reference; expected \${NAME} with letters, digits and _`,
        })
        return whole
      }
      const found = env[name]
      if (found === undefined) {
        problems.push({
          path,
          message: `environment variable ${name} is not set (referenced as \${${name}})`,
        })
        return whole
      }
      return found
    })
  }
  if (Array.isArray(value)) return value.map((item, i) => expandEnv(item, env, problems, [...path, i]))
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {}
    for (const [key, item] of Object.entries(value)) out[key] = expandEnv(item, env, problems, [...path, key])
    return out
  }
  return value
}
