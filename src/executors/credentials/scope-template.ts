/**
 * `{{ params.x }}` in credential settings. A value lands in an environment
 * variable name, a file path or a Vault path, so it must be one plain
 * segment: a value like `../admin` could otherwise reach another secret.
 *
 * @module
 */
import { AirlockError } from '../../errors/airlock-error.js'
import { ErrorCode } from '../../errors/error-codes.js'

const TEMPLATE = /\{\{\s*params\.(\w+)\s*\}\}/g
const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/

/** Fills `{{ params.x }}` with the run's params, refusing values that are not one safe segment. */
export function fillScope(
  template: string,
  params: Readonly<Record<string, unknown>>,
  where: string,
): string {
  return template.replace(TEMPLATE, (_m, name: string) => {
    const value = params[name]
    const text = typeof value === 'string' || typeof value === 'number' ? String(value) : undefined
    if (text === undefined) {
      throw new AirlockError(
        ErrorCode.CREDENTIAL_UNAVAILABLE,
        `${where}: {{ params.${name} }} has no value in this run`,
      )
    }
    if (!SEGMENT.test(text) || text.includes('..')) {
      throw new AirlockError(
        ErrorCode.CREDENTIAL_UNAVAILABLE,
        `${where}: parameter '${name}' cannot scope a credential (letters, digits, '.', '_' and '-' only, no '..')`,
      )
    }
    return text
  })
}
