/**
 * The kill switch's verdict: a request a freeze covers is denied with the
 * freeze's reason, whatever the rules say.
 *
 * Reads: nothing (the caller looked the freeze up). Writes: nothing.
 *
 * @module
 */
import type { Decision } from '../../policy/decision.js'
import type { Freeze } from '../../store/freeze-store.js'

/** The denial for `freeze`, or null when no freeze covers the request. */
export function frozenDenial<D extends Decision>(
  decision: D,
  freeze: Freeze | null,
): { decision: D; context: Record<string, unknown> } | null {
  if (freeze === null) return null
  return {
    decision: { ...decision, decision: 'deny', reason: `Frozen: ${freeze.reason}`, rule: null },
    context: { freeze_id: freeze.id, frozen_by: freeze.created_by },
  }
}
