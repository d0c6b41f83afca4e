import type { ActionDefinition } from '../actions/action-definition.js'
import type { Target } from './target.js'

/**
 * Why `definition` may not be aimed at `target`, or `null` when it may.
 *
 * @remarks Returns `null` when the action declares no `target_types` or when
 * the target is unknown (`undefined`): unknown targets are the policy's
 * business, which treats them as critical.
 *
 * @example
 * targetTypeMismatch(drainNode, testApp)
 * // "Action 'drain-node' cannot target 'dev/test-app' of type k8s-deployment (expects k8s-node)"
 */
export function targetTypeMismatch(
  definition: Pick<ActionDefinition, 'name' | 'target_types'>,
  target: Target | undefined,
): string | null {
  if (target === undefined || definition.target_types.length === 0) return null
  if (definition.target_types.includes(target.type)) return null
  return `Action '${definition.name}' cannot target '${target.id}' of type ${target.type} (expects ${definition.target_types.join(' or ')})`
}
