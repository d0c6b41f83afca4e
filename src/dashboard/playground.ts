import type { Airlock } from '../airlock.js'
import { principalFromFlags } from '../cli/principal-flags.js'
import type { PolicyEngine } from '../policy/policy-engine.js'
import type { PlaygroundInput, PlaygroundResult } from './views/policies-view.js'

const MAX_PARAMS = 64 * 1024

export const EMPTY_INPUT: PlaygroundInput = {
  action: '',
  target: '',
  caller: '',
  roles: '',
  groups: '',
  tenant: '',
  params: '',
}

/** The form's fields as text, whatever was posted. */
export function playgroundInput(form: Record<string, unknown>): PlaygroundInput {
  const text = (key: keyof PlaygroundInput) => (typeof form[key] === 'string' ? (form[key] as string) : '')
  return {
    action: text('action').trim(),
    target: text('target').trim(),
    caller: text('caller').trim(),
    roles: text('roles'),
    groups: text('groups'),
    tenant: text('tenant').trim(),
    params: text('params'),
  }
}

function parseParams(text: string): Record<string, unknown> | string {
  if (text.trim() === '') return {}
  if (text.length > MAX_PARAMS) return `params are longer than ${MAX_PARAMS} characters`
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    return `params are not JSON: ${(error as Error).message}`
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return 'params must be a JSON object, e.g. {"invoice_id": "inv_1"}'
  }
  return value as Record<string, unknown>
}

/**
 * Decides a request exactly as `airlock check` does (`airlock.decide` with a
 * principal built from the same flags), with no side effects, and lists the
 * rules the engine considered: those before the deciding rule did not match,
 * those after it were never reached.
 */
export function runPlayground(
  airlock: Airlock,
  engine: PolicyEngine,
  input: PlaygroundInput,
): PlaygroundResult | string {
  if (input.action === '') return 'Name an action.'
  if (input.action.length > 200) return 'The action name is longer than 200 characters.'
  const params = parseParams(input.params)
  if (typeof params === 'string') return params
  const caller = principalFromFlags({
    ...(input.caller === '' ? {} : { caller: input.caller }),
    roles: input.roles,
    groups: input.groups,
    ...(input.tenant === '' ? {} : { tenant: input.tenant }),
  })
  const decision = airlock.decide(input.action, params, {
    ...(caller ? { caller } : {}),
    target: input.target === '' ? null : input.target,
  })
  const evaluated = decision.param_errors.length === 0 && airlock.getAction(input.action) !== undefined
  let reached = evaluated
  const considered = engine.candidates(input.action).map((rule) => {
    if (!reached) return { rule, fate: 'not reached' as const }
    if (rule.name === decision.rule) {
      reached = false
      return { rule, fate: 'decided' as const }
    }
    return { rule, fate: 'no match' as const }
  })
  return { decision, considered }
}
