/**
 * Actions with code handlers, loaded from the JavaScript or TypeScript
 * modules a configuration names under `modules`.
 *
 * @module
 */
import { existsSync } from 'node:fs'
import type { AnyActionDefinition } from '../actions/action-definition.js'
import { ConfigError, type ConfigIssue } from '../errors/config-error.js'
import { importModule } from './import-module.js'

/** Whether `value` looks like what `defineAction` (or the YAML loader) returns. */
export function isActionDefinition(value: unknown): value is AnyActionDefinition {
  if (value === null || typeof value !== 'object') return false
  const v = value as Record<string, unknown>
  return (
    typeof v.name === 'string' &&
    typeof v.validate === 'function' &&
    typeof v.input_schema === 'object' &&
    typeof v.risk === 'string' &&
    Array.isArray(v.required_scopes)
  )
}

/** Labels a code-defined action with the module and export it came from, so duplicate names point somewhere useful. */
function located(definition: AnyActionDefinition, where: string): AnyActionDefinition {
  return definition.source === 'code' ? Object.freeze({ ...definition, source: where }) : definition
}

/**
 * Imports each module and collects its actions: every named export that is an
 * action definition, and the default export when it is one or an array of them.
 *
 * @remarks A module that exports no action, or a default array holding
 * something else, is an error: silently loading nothing would leave an agent
 * facing `ACTION_NOT_FOUND` with no hint why.
 *
 * @throws ConfigError naming the module (and the export) of every problem.
 */
export async function loadActionModules(files: readonly string[]): Promise<AnyActionDefinition[]> {
  const out: AnyActionDefinition[] = []
  const issues: ConfigIssue[] = []
  for (const file of files) {
    if (!existsSync(file)) {
      issues.push({ file, message: 'file not found' })
      continue
    }
    let namespace: Record<string, unknown>
    try {
      namespace = await importModule(file)
    } catch (cause) {
      const message = cause instanceof Error ? cause.message : String(cause)
      issues.push({ file, message: `cannot load: ${message}` })
      continue
    }
    const seen = new Set<unknown>()
    const add = (value: AnyActionDefinition, where: string) => {
      if (seen.has(value)) return
      seen.add(value)
      out.push(located(value, `${file}#${where}`))
    }
    for (const [name, value] of Object.entries(namespace)) {
      if (name === 'default') continue
      if (isActionDefinition(value)) add(value, name)
    }
    const fallback = namespace.default
    if (Array.isArray(fallback)) {
      fallback.forEach((value, i) => {
        if (isActionDefinition(value)) add(value, `default[${i}]`)
        else
          issues.push({
            file,
            field: `default[${i}]`,
            message: 'expected an action made with defineAction()',
          })
      })
    } else if (isActionDefinition(fallback)) add(fallback, 'default')
    if (seen.size === 0) {
      issues.push({
        file,
        message:
          'exports no actions; expected named exports made with defineAction(), or a default export array of them',
      })
    }
  }
  if (issues.length > 0) throw new ConfigError(issues)
  return out
}
