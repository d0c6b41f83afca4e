/**
 * The undo of one executed run, built from what the audit chain recorded:
 * the action's `rollback_action`, and its `rollback_params` drawn from the
 * run's parameters (`params.x`) and the state the runner captured before it
 * ran (`before_state.y`).
 *
 * Without `rollback_params` the documented convention applies: each
 * parameter of the rollback action takes the state-before field of the same
 * name, else the original parameter of the same name; the plan then carries
 * a warning to read it before running it. A value that was not recorded, or
 * was redacted on the way into the chain, makes the plan not runnable: a
 * guessed or masked value must never reach a system.
 *
 * Pure: reads only what it is given.
 *
 * @module
 */
import type { ActionDefinition } from '../../actions/action-definition.js'
import type { AuditEvent } from '../../audit/audit-event.js'
import { DEFAULT_MASK } from '../../audit/redaction/redaction-config.js'
import { AirlockError } from '../../errors/airlock-error.js'
import { ErrorCode } from '../../errors/error-codes.js'
import { MASKED_CREDENTIAL } from '../../executors/template.js'

/** The undo of one executed run; `runnable` is false when a value is missing or masked. */
export interface RollbackPlan {
  /** The `executed` event being undone. */
  readonly audit_id: string
  readonly action: string
  readonly rollback_action: string
  readonly target: string | null
  /** The rollback action's inputs. */
  readonly params: Readonly<Record<string, unknown>>
  /** Where each value came from: `params.x`, `before_state.y`. */
  readonly sources: Readonly<Record<string, string>>
  readonly warnings: readonly string[]
  readonly runnable: boolean
}

/** What the chain recorded about the run. */
export interface RecordedRun {
  /** The `executed` event. */
  readonly event: AuditEvent
  /** The inputs, from the run's `started` event. */
  readonly params: Readonly<Record<string, unknown>>
}

function unavailable(message: string): AirlockError {
  return new AirlockError(ErrorCode.ROLLBACK_UNAVAILABLE, message)
}

function stateBefore(event: AuditEvent): Record<string, unknown> | null {
  const execution = (event.context as { execution?: { state_before?: unknown } } | null)?.execution
  const state = execution?.state_before
  return typeof state === 'object' && state !== null ? (state as Record<string, unknown>) : null
}

function isMasked(value: unknown): boolean {
  return typeof value === 'string' && (value.includes(DEFAULT_MASK) || value.includes(MASKED_CREDENTIAL))
}

type Mapping = Readonly<Record<string, { readonly source: string }>>

function sourcesOf(rollback: ActionDefinition, declared: Mapping, warnings: string[]): Map<string, string[]> {
  const out = new Map<string, string[]>()
  if (Object.keys(declared).length > 0) {
    for (const [name, { source }] of Object.entries(declared)) out.set(name, [source])
    return out
  }
  warnings.push(
    'the action declares no rollback_params: each parameter was filled by name from the state before, else from the original parameters (convention); check them before running',
  )
  const specs = (rollback.meta.parameters ?? []) as readonly { name: string }[]
  for (const { name } of specs) out.set(name, [`before_state.${name}`, `params.${name}`])
  return out
}

interface Filled {
  params: Record<string, unknown>
  sources: Record<string, string>
  warnings: string[]
  runnable: boolean
}

/** Takes each parameter's value from the first candidate source that was recorded. */
function fillParams(
  rollback: ActionDefinition,
  candidatesOf: Map<string, string[]>,
  lookup: Record<string, Readonly<Record<string, unknown>>>,
): Filled {
  const specs = (rollback.meta.parameters ?? []) as readonly { name: string; required?: boolean }[]
  const required = new Set(specs.filter((s) => s.required === true).map((s) => s.name))
  const out: Filled = { params: {}, sources: {}, warnings: [], runnable: true }
  const valueAt = (source: string) => {
    const [from, field] = source.split('.', 2) as [string, string]
    return lookup[from]?.[field]
  }
  for (const [param, candidates] of candidatesOf) {
    const found = candidates.find((source) => valueAt(source) !== undefined)
    if (found === undefined) {
      // An optional parameter the convention finds nowhere is simply left out.
      if (candidates.length > 1) continue
      if (required.has(param)) {
        out.runnable = false
        out.warnings.push(`'${param}' has no value: ${candidates[0]} was not recorded`)
      } else {
        out.warnings.push(`'${param}' is left out: ${candidates[0]} was not recorded, so it stays as it is`)
      }
      continue
    }
    const value = valueAt(found)
    if (isMasked(value)) {
      out.runnable = false
      out.warnings.push(`'${param}' cannot be restored: ${found} was redacted in the audit record`)
    }
    out.params[param] = value
    out.sources[param] = found
  }
  return out
}

/**
 * Builds the plan.
 * @throws AirlockError `ROLLBACK_UNAVAILABLE` when the event is not an
 * executed run, or its action has no registered rollback action.
 */
export function planRollback(
  run: RecordedRun,
  getAction: (name: string) => ActionDefinition | undefined,
): RollbackPlan {
  const { event } = run
  if (event.status !== 'executed') {
    throw unavailable(`Audit event '${event.id}' is '${event.status}': only an executed run can be undone`)
  }
  const definition = getAction(event.action)
  if (!definition) throw unavailable(`Action '${event.action}' is no longer registered`)
  const name = definition.meta.rollback_action
  if (definition.meta.reversible !== true || typeof name !== 'string') {
    throw unavailable(`Action '${event.action}' is not reversible: it declares no rollback_action`)
  }
  const rollback = getAction(name)
  if (!rollback) throw unavailable(`Rollback action '${name}' of '${event.action}' is not registered`)
  const warnings: string[] = []
  const before = stateBefore(event)
  if (before === null) warnings.push('the run recorded no state before it ran')
  const declared = (definition.meta.rollback_params ?? {}) as Mapping
  const filled = fillParams(rollback, sourcesOf(rollback, declared, warnings), {
    params: run.params,
    before_state: before ?? {},
  })
  warnings.push(...filled.warnings)
  const { params, sources } = filled
  let runnable = filled.runnable
  const checked = rollback.validate(params)
  if (!checked.ok) {
    runnable = false
    for (const issue of checked.issues) {
      warnings.push(`'${issue.path.join('.') || name}': ${issue.message}`)
    }
  }
  return {
    audit_id: event.id,
    action: event.action,
    rollback_action: name,
    target: event.target,
    params,
    sources,
    warnings,
    runnable,
  }
}
