/**
 * The pure half of authorize: required scopes, then the policy's verdict,
 * then the action's own approval flag. `decide()` is exactly this.
 *
 * Reads: the evaluation from resolve, the principal. Writes: nothing.
 *
 * @module
 */
import type { Principal } from '../../identity/principal.js'
import type { DenialCode } from '../../outcome.js'
import type { Evaluation } from '../../policy/decide.js'
import type { Decision } from '../../policy/decision.js'
import { missingScopes } from './missing-scopes.js'

function denialCode(evaluation: Evaluation): DenialCode {
  switch (evaluation.stage) {
    case 'resolve':
      return 'ACTION_NOT_FOUND'
    case 'validate':
      return 'INPUT_INVALID'
    case 'target':
      return 'TARGET_TYPE'
    default:
      return 'POLICY'
  }
}

/**
 * Scopes are checked before the policy's verdict counts: a caller without a
 * required scope is told which one, whatever the rules would have said.
 */
export function authorizeDecision(
  evaluation: Evaluation,
  principal: Principal,
): { decision: Decision; code: DenialCode | null } {
  const decision = evaluation.decision
  const definition = evaluation.definition
  if (definition && evaluation.stage === 'policy') {
    const missing = missingScopes(definition, principal)
    if (missing.length > 0) {
      return {
        decision: {
          ...decision,
          decision: 'deny',
          reason: `Missing required scopes: ${missing.join(', ')}`,
          rule: null,
        },
        code: 'SCOPE_MISSING',
      }
    }
  }
  if (decision.decision === 'deny' || !definition) {
    return { decision, code: decision.decision === 'deny' ? denialCode(evaluation) : null }
  }
  if (decision.decision === 'allow' && definition.approval_required) {
    return {
      decision: {
        ...decision,
        decision: 'require_approval',
        reason: `Action '${decision.action}' requires approval`,
      },
      code: null,
    }
  }
  return { decision, code: null }
}

/** A decision handed to a caller cannot be edited into another one. */
export function frozenDecision<D extends Decision>(decision: D): D {
  Object.freeze(decision.param_errors)
  return Object.freeze(decision)
}
