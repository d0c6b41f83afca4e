/**
 * Validate: the inputs against the action's schema, then the target's type
 * against the action's `target_types` — before any policy rule sees the
 * request, so rules judge the inputs the handler will receive.
 *
 * Reads: the resolved action definition, the inputs as the caller sent them,
 * the resolved target. Writes: nothing; pure, so the approval path can run it
 * again with the sealed original inputs and get the same answer.
 * Guarantees: validation always runs, even for empty inputs; a passing
 * result carries the schema's output (defaults and transforms applied); a
 * failing one keeps every issue with its path, so the caller learns which
 * field and what was expected.
 *
 * @module
 */
import type { ActionDefinition, ParamIssue } from '../../actions/action-definition.js'
import { formatParamIssues } from '../../actions/format-param-issues.js'
import type { Target } from '../../inventory/target.js'
import { targetTypeMismatch } from '../../inventory/target-type-mismatch.js'

/** The validated inputs, or why the request cannot go on. */
export type Validation =
  | { readonly ok: true; readonly inputs: unknown }
  | {
      readonly ok: false
      /** `validate`: the inputs do not fit the schema; `target`: the target is of a type the action does not take. */
      readonly stage: 'validate' | 'target'
      readonly reason: string
      readonly issues: readonly ParamIssue[]
      /** The validated inputs when only the target was wrong. */
      readonly inputs: unknown
    }

/** Validates `params` for `definition` aimed at `target` (`undefined`: none, or not in the inventory). */
export function validateRequest(
  definition: ActionDefinition,
  params: Readonly<Record<string, unknown>>,
  target: Target | undefined,
): Validation {
  const validated = definition.validate(params)
  if (!validated.ok) {
    return {
      ok: false,
      stage: 'validate',
      reason: formatParamIssues(validated.issues),
      issues: validated.issues,
      inputs: undefined,
    }
  }
  const mismatch = targetTypeMismatch(definition, target)
  if (mismatch !== null) {
    return { ok: false, stage: 'target', reason: mismatch, issues: [], inputs: validated.value }
  }
  return { ok: true, inputs: validated.value }
}
