/**
 * The action a guarded function runs as.
 *
 * @module
 */
import { z } from 'zod'
import type { ActionDefinition, ActionHandler } from '../actions/action-definition.js'
import { defineAction } from '../actions/define-action.js'
import { canonicalJson } from '../audit/canonical-json.js'
import { AirlockError } from '../errors/airlock-error.js'
import { ErrorCode } from '../errors/error-codes.js'
import type { RiskClass } from '../policy/risk-matrix.js'
import { type CallScope, callScope } from './call-scope.js'

/** Inputs of a guarded action: the arguments by position, or by name when `arg_names` are given. */
export interface GuardedInputs {
  readonly args: readonly unknown[] | Readonly<Record<string, unknown>>
}

const INPUT = z.object({ args: z.union([z.array(z.unknown()), z.record(z.string(), z.unknown())]) })

/**
 * A JSON copy of `value` that never throws: bigints become strings, cycles
 * `[Circular]`, functions and symbols disappear as JSON.stringify drops them.
 * What approvers see and what is sealed is exactly this.
 */
export function jsonSafe(value: unknown, seen: Set<object> = new Set()): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value
  if (typeof value === 'number') return Number.isFinite(value) ? value : null
  if (typeof value === 'bigint') return value.toString()
  if (typeof value !== 'object') return undefined
  if (seen.has(value)) return '[Circular]'
  const toJSON = (value as { toJSON?: unknown }).toJSON
  if (typeof toJSON === 'function') return jsonSafe(toJSON.call(value), seen)
  seen.add(value)
  try {
    if (Array.isArray(value)) return value.map((v) => jsonSafe(v, seen) ?? null)
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) {
      const safe = jsonSafe(v, seen)
      if (safe !== undefined) out[k] = safe
    }
    return out
  } finally {
    seen.delete(value)
  }
}

/** The inputs for a call: `{ args: [...] }`, or `{ args: { name: value } }` with names (extra arguments keyed by position). */
export function toInputs(args: readonly unknown[], arg_names: readonly string[] | undefined): GuardedInputs {
  if (arg_names === undefined || arg_names.length === 0) return { args: jsonSafe([...args]) as unknown[] }
  const named: Record<string, unknown> = {}
  args.forEach((value, i) => {
    const safe = jsonSafe(value)
    if (safe !== undefined) named[arg_names[i] ?? String(i)] = safe
  })
  return { args: named }
}

/** Positional arguments back from stored inputs (a process that resumes a call it did not start). */
export function fromInputs(inputs: GuardedInputs, arg_names: readonly string[] | undefined): unknown[] {
  if (Array.isArray(inputs.args)) return [...inputs.args]
  const named = inputs.args as Record<string, unknown>
  const names = arg_names ?? []
  let count = names.length
  for (const key of Object.keys(named)) if (/^\d+$/.test(key)) count = Math.max(count, Number(key) + 1)
  while (count > 0 && !Object.hasOwn(named, names[count - 1] ?? String(count - 1))) count--
  return Array.from({ length: count }, (_, i) => named[names[i] ?? String(i)])
}

/** `issueRefund` → `issue_refund`; null when nothing usable remains. */
export function toActionName(name: string): string | null {
  const snake = name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9_-]+/g, '_')
    .toLowerCase()
    .replace(/^[^a-z]+/, '')
    .replace(/_+$/, '')
  return snake === '' ? null : snake
}

/** What {@link guardedAction} needs. */
export interface GuardedActionConfig {
  readonly name: string
  readonly description: string
  readonly risk: RiskClass
  readonly arg_names: readonly string[] | undefined
  readonly approver_roles: readonly string[] | undefined
  readonly required_approvals: number | undefined
  readonly fn: (...args: never[]) => unknown
}

function isGuardedInputs(value: unknown): value is GuardedInputs {
  return typeof value === 'object' && value !== null && 'args' in value
}

/**
 * Defines the action a guarded function runs as.
 *
 * @remarks `meta.execution = 'requester'`: whoever approves, the function
 * runs in the process that guards it (`approvals.resume`). The handler runs
 * the function with the call's original arguments when this process made the
 * call, after checking they still serialise to what was approved; a process
 * that resumes someone else's call gets the approved arguments back from the
 * store. `approval_required` is true only inside a call whose approval policy
 * holds it, which lets the guard hold a call in any Airlock without a rule
 * of its own there.
 */
export function guardedAction(config: GuardedActionConfig): ActionDefinition<GuardedInputs> {
  const handler: ActionHandler<GuardedInputs, unknown> = async (inputs) => {
    const scope: CallScope | undefined = callScope.getStore()
    const mine = scope !== undefined && scope.action === config.name
    if (mine && canonicalJson(inputs) !== scope.inputs_json) {
      throw new AirlockError(
        ErrorCode.INPUT_INVALID,
        `The arguments of '${config.name}' changed after they were submitted`,
      )
    }
    const args = mine ? scope.args : isGuardedInputs(inputs) ? fromInputs(inputs, config.arg_names) : []
    try {
      const value = await (config.fn as (...a: unknown[]) => unknown).apply(
        mine ? scope.this_arg : undefined,
        [...args],
      )
      if (mine) scope.settled = { ok: true, value }
      // The audit log keeps a JSON copy; the caller gets the value itself from the scope.
      return jsonSafe(value) ?? null
    } catch (error) {
      if (mine) scope.settled = { ok: false, error }
      throw error
    }
  }
  const base = defineAction({
    name: config.name,
    description: config.description,
    input: INPUT,
    risk: config.risk,
    ...(config.approver_roles ? { approver_roles: config.approver_roles } : {}),
    ...(config.required_approvals !== undefined ? { required_approvals: config.required_approvals } : {}),
    meta: {
      execution: 'requester',
      guarded: true,
      ...(config.arg_names ? { arg_names: [...config.arg_names] } : {}),
    },
    handler,
  })
  const definition = { ...base }
  Object.defineProperty(definition, 'approval_required', {
    enumerable: true,
    get: () => {
      const scope = callScope.getStore()
      return scope !== undefined && scope.action === config.name && scope.hold !== null
    },
  })
  return Object.freeze(definition) as ActionDefinition<GuardedInputs>
}
