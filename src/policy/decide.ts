/**
 * The pure evaluation of one request: resolve the action and target,
 * validate (`pipeline/validate/`), then the policy engine's verdict. The
 * pipeline's resolve stage and the standalone `decide()` both run it.
 *
 * @module
 */
import type { ActionDefinition, ParamIssue } from '../actions/action-definition.js'
import type { Principal } from '../identity/principal.js'
import type { Target } from '../inventory/target.js'
import { validateRequest } from '../pipeline/validate/validate-request.js'
import type { Decision, DecisionResult } from './decision.js'
import type { PolicyRequest } from './policy-rule.js'
import { effectiveRisk, type RiskClass } from './risk-matrix.js'

/** What `decide` needs. Lookups are plain functions so any registry or inventory fits. */
export interface DecideDeps {
  readonly getAction: (name: string) => ActionDefinition | undefined
  readonly getTarget: (id: string) => Target | undefined
  readonly evaluate: (request: PolicyRequest) => {
    decision: DecisionResult
    reason: string
    rule: string | null
  }
  /**
   * `deny` (default): an action that is not registered is denied before any rule runs.
   * `evaluate`: rules still decide (for guarding tools that are not declared as actions).
   */
  readonly unknown_actions?: 'deny' | 'evaluate'
  /** Named in every decision, so a decision says which policy set made it. */
  readonly policy_version?: string | undefined
}

/** One request to decide. */
export interface CheckRequest {
  readonly action: string
  readonly params?: Readonly<Record<string, unknown>> | undefined
  readonly target?: string | null | undefined
  readonly caller?: Principal | undefined
  readonly ticket_id?: string | null | undefined
  readonly now?: Date | undefined
}

/** A decision plus what the later stages need from the same evaluation. */
export interface Evaluation {
  readonly decision: Decision
  readonly definition: ActionDefinition | undefined
  readonly target: Target | undefined
  /** Validated (and typed/defaulted) inputs when validation passed. */
  readonly inputs: unknown
  /** Why a deny happened before policy: lets the gateway pick a status code. */
  readonly stage: 'resolve' | 'validate' | 'target' | 'policy'
}

/** The request's facts every decision about it repeats, whatever the verdict. */
function decisionOf(
  request: CheckRequest,
  risk_class: RiskClass,
  effective_risk: RiskClass,
  policy_version: string | undefined,
): (
  decision: DecisionResult,
  reason: string,
  rule: string | null,
  param_errors?: readonly ParamIssue[],
) => Decision {
  return (decision, reason, rule, param_errors = []) => ({
    decision,
    reason,
    rule,
    action: request.action,
    target: request.target ?? null,
    caller: request.caller?.actor_id ?? 'anonymous',
    risk_class,
    effective_risk,
    param_errors,
    ticket_id: request.ticket_id ?? null,
    ...(policy_version === undefined ? {} : { policy_version }),
  })
}

/**
 * Decides one request.
 *
 * @remarks Order: resolve the action (unknown → deny), validate inputs and
 * the target's type (`pipeline/validate/`), then the policy rules. An
 * unknown target makes the effective risk `critical`; an action that takes
 * no typed target and was given none keeps its own risk.
 */
export function evaluateRequest(deps: DecideDeps, request: CheckRequest): Evaluation {
  const definition = deps.getAction(request.action)
  const target_id = request.target ?? null
  const target = target_id === null ? undefined : deps.getTarget(target_id)
  const risk_class: RiskClass = definition?.risk ?? 'critical'
  const effective_risk =
    target_id === null && definition !== undefined && definition.target_types.length === 0
      ? risk_class
      : effectiveRisk(risk_class, target?.sensitivity)
  const build = decisionOf(request, risk_class, effective_risk, deps.policy_version)
  const args = request.params ?? {}

  if (definition === undefined && (deps.unknown_actions ?? 'deny') === 'deny') {
    const decision = build('deny', `Unknown action: ${request.action}`, null)
    return { decision, definition, target, inputs: undefined, stage: 'resolve' }
  }
  let inputs: unknown = args
  if (definition !== undefined) {
    const validation = validateRequest(definition, args, target)
    if (!validation.ok) {
      const decision = build('deny', validation.reason, null, validation.issues)
      return { decision, definition, target, inputs: validation.inputs, stage: validation.stage }
    }
    inputs = validation.inputs
  }

  const verdict = deps.evaluate({
    action: request.action,
    definition,
    // Rules judge the inputs the handler will receive (after the schema's
    // defaults and transforms), never the raw ones: otherwise ' KUBE-SYSTEM '
    // could pass a rule about 'kube-system' and still arrive as 'kube-system'.
    args: inputs as Readonly<Record<string, unknown>>,
    target_id,
    target,
    caller: request.caller,
    risk_class,
    effective_risk,
    ticket_id: request.ticket_id ?? null,
    now: request.now ?? new Date(),
  })
  return {
    decision: build(verdict.decision, verdict.reason, verdict.rule),
    definition,
    target,
    inputs,
    stage: 'policy',
  }
}

/** Decides one request; see {@link evaluateRequest}. */
export function decide(deps: DecideDeps, request: CheckRequest): Decision {
  return evaluateRequest(deps, request).decision
}
