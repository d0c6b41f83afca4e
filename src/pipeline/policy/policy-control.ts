/**
 * `airlock.policy`: what is loaded, swapping in a new set, and shadow mode.
 * Loading and validating files is the configuration layer's job (it does
 * I/O); this module only swaps a set that is already whole and records
 * that it did.
 *
 * Writes: one `policy_loaded` or `policy_rejected` audit event per call.
 *
 * @module
 */
import { localPrincipal } from '../../identity/principal.js'
import { newId } from '../../internal/ids.js'
import { DifferenceTally } from '../../policy/versioning/difference-report.js'
import { summarizePolicySet } from '../../policy/versioning/policy-set.js'
import type { PipelineDeps } from '../pipeline-deps.js'
import type { AirlockPolicy } from '../pipeline-types.js'
import { shadowHistory } from './shadow-history.js'

const POLICY_ACTION = 'airlock.policy'

export function policyControl(deps: PipelineDeps): AirlockPolicy {
  const { policy, shadow_slot } = deps
  return {
    current: () => policy.current(),
    async load(set, options) {
      const previous = policy.swap(set)
      await deps.recorder.record('policy_loaded', {
        request_id: newId('req'),
        principal: localPrincipal(options.by),
        action: POLICY_ACTION,
        reason: `Policy ${set.version}${set.label ? ` (${set.label})` : ''} loaded via ${options.via}`,
        policy_version: set.version,
        context: { via: options.via, previous_version: previous.version, policy: summarizePolicySet(set) },
      })
      return set
    },
    async rejected(problems, options) {
      const kept = policy.current()
      await deps.recorder.record('policy_rejected', {
        request_id: newId('req'),
        principal: localPrincipal(options.by),
        action: POLICY_ACTION,
        reason: `Policy reload via ${options.via} refused; ${kept.version} stays in force: ${options.message}`,
        policy_version: kept.version,
        context: { via: options.via, problems: problems.slice(0, 50), problem_count: problems.length },
      })
    },
    shadow: () => shadow_slot.run?.set ?? null,
    setShadow(set) {
      shadow_slot.run = set === null ? null : { set, tally: new DifferenceTally(set.version) }
    },
    shadowReport() {
      const run = shadow_slot.run
      if (run === null) return null
      return { ...run.tally.report(), enforced_version: policy.current().version }
    },
    shadowHistory: (options) => shadowHistory(deps.store.audit, options),
    onSwap: (listener) => policy.onSwap(listener),
  }
}
