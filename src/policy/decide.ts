/**
 * The authorize stage as a pure function: registry + inventory + engine → Decision.
 *
 * @module
 */
import type { ActionDefinition, ParamIssue } from '../actions/action-definition.js'
import type { Principal } from '../identity/principal.js'
import type { Target } from '../inventory/target.js'
import { targetTypeMismatch } from '../inventory/target-type-mismatch.js'
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

function formatIssues(issues: readonly ParamIssue[]): string {
  return issues.map((i) => i.message).join('; ')
}

/**
 * Decides one request.
 *
 * @remarks Order: resolve the action (unknown → deny), validate inputs
 * (always, even when empty), check the target's type against the action's
 * `target_types`, then the policy rules. An unknown target makes the
 * effective risk `critical`; an action that takes no typed target and was
 * given none keeps its own risk.
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
  const caller = request.caller
  const args = request.params ?? {}

  const build = (
    decision: DecisionResult,
    reason: string,
    rule: string | null,
    param_errors: readonly ParamIssue[] = [],
  ): Decision => ({
    decision,
    reason,
    rule,
    action: request.action,
    target: target_id,
    caller: caller?.actor_id ?? 'anonymous',
    risk_class,
    effective_risk,
    param_errors,
    ticket_id: request.ticket_id ?? null,
  })

  if (definition === undefined && (deps.unknown_actions ?? 'deny') === 'deny') {
    return {
      decision: build('deny', `Unknown action: ${request.action}`, null),
      definition,
      target,
      inputs: undefined,
      stage: 'resolve',
    }
  }

  let inputs: unknown = args
  if (definition !== undefined) {
    const validated = definition.validate(args)
    if (!validated.ok) {
      return {
        decision: build(
          'deny',
          `Invalid parameters: ${formatIssues(validated.issues)}`,
          null,
          validated.issues,
        ),
        definition,
        target,
        inputs: undefined,
        stage: 'validate',
      }
    }
    inputs = validated.value
    const mismatch = targetTypeMismatch(definition, target)
    if (mismatch !== null)
      return { decision: build('deny', mismatch, null), definition, target, inputs, stage: 'target' }
  }

  const verdict = deps.evaluate({
    action: request.action,
    definition,
    // Rules judge the inputs the handler will receive (after the schema's
    // defaults and transforms), never the raw ones: otherwise ' KUBE-SYSTEM '
    // could pass a rule about 'kube-system' and still arrive as 'kube-system'.
    args: (definition === undefined ? args : inputs) as Readonly<Record<string, unknown>>,
    target_id,
    target,
    caller,
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
