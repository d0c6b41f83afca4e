/**
 * Built-in policy templates: `safe_coding`, `safe_browsing`, `safe_database`
 * and `strict`, usable from YAML (`extends: [safe_coding]`) and from code.
 *
 * @module
 */
import { AirlockError } from '../../errors/airlock-error.js'
import { ErrorCode } from '../../errors/error-codes.js'
import type { PolicyRule } from '../policy-rule.js'
import { safeBrowsing } from './safe-browsing.js'
import { safeCoding } from './safe-coding.js'
import { safeDatabase } from './safe-database.js'
import { strict } from './strict.js'

/** Names of the built-in templates. */
export type PolicyTemplateName = 'safe_coding' | 'safe_browsing' | 'safe_database' | 'strict'

/** Every built-in template; each call returns fresh rule objects. */
export const policyTemplates: Readonly<Record<PolicyTemplateName, () => PolicyRule[]>> = Object.freeze({
  safe_coding: safeCoding,
  safe_browsing: safeBrowsing,
  safe_database: safeDatabase,
  strict,
})

/** Whether `name` is a built-in template. */
export function isPolicyTemplateName(name: string): name is PolicyTemplateName {
  return Object.hasOwn(policyTemplates, name)
}

/**
 * The rules of the built-in template `name`.
 *
 * @throws AirlockError `CONFIG_INVALID` for an unknown name; the message lists the available ones.
 */
export function policyTemplate(name: string): PolicyRule[] {
  if (!isPolicyTemplateName(name)) {
    const available = Object.keys(policyTemplates)
    throw new AirlockError(
      ErrorCode.CONFIG_INVALID,
      `Unknown policy template ${JSON.stringify(name)}. Available: ${available.join(', ')}`,
      { details: { template: name, available } },
    )
  }
  return policyTemplates[name]()
}

export { STRICT_DENY_PRIORITY } from './strict.js'
export { fromAapPriority } from './template-rule.js'
