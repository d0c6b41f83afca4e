/**
 * The decision-only `Airlock` that `airlock check` and `airlock test` ask,
 * built from a loaded project the way the gateway builds its own.
 *
 * @module
 */
import { type Airlock, createAirlock } from '../airlock.js'
import { didYouMean } from '../internal/did-you-mean.js'
import { AapRule } from '../policy/aap/index.js'
import type { Project } from './project.js'
import { UsageError } from './usage-error.js'

/**
 * Whether tool calls that name no declared action are evaluated by the
 * policies (as the gateway's `unknown_actions: evaluate`) rather than denied.
 *
 * @remarks On when asked for, when the configuration says so, or when every
 * loaded rule is agent-action-policy: that format governs arbitrary tool
 * names, so denying every undeclared one would make its rules unreachable.
 */
export function evaluatesUnknown(project: Project, flag: boolean | undefined): boolean {
  if (flag === true) return true
  if (project.config?.unknown_actions === 'evaluate') return true
  return project.rules.length > 0 && project.rules.every((rule) => rule instanceof AapRule)
}

export function projectAirlock(project: Project, evaluateUnknown: boolean): Airlock {
  return createAirlock({
    actions: project.registry,
    policies: project.rules,
    ...(project.inventory ? { inventory: project.inventory } : {}),
    unknown_actions: evaluateUnknown ? 'evaluate' : 'deny',
    audit_checks: false,
  })
}

/** Rejects a `--target` the inventory lacks, instead of deciding as if it were an unknown target. */
export function checkTarget(project: Project, target: string | undefined): void {
  const inventory = project.inventory
  if (target === undefined || inventory === undefined || inventory.has(target)) return
  const ids = inventory.list().map((t) => t.id)
  throw new UsageError(
    `unknown target '${target}': it is not in the inventory${didYouMean(target, ids)} (known targets: ${ids.slice(0, 10).join(', ')}${ids.length > 10 ? ', …' : ''})`,
  )
}

/** A hint for an action name the catalogue lacks, or the empty string. */
export function unknownActionHint(project: Project, action: string, evaluated: boolean): string {
  if (project.registry.has(action)) return ''
  const suggestion = didYouMean(
    action,
    project.registry.list().map((a) => a.name),
  )
  if (evaluated) return suggestion === '' ? '' : `note: '${action}' is not a declared action${suggestion}`
  return `hint: '${action}' is not a declared action${suggestion}${suggestion === '' ? ' (see airlock list-actions; --evaluate-unknown lets the policies decide undeclared tools)' : ''}`
}
