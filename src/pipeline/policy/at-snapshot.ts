/**
 * One request, one policy set: the entry points call `atSnapshot` once and
 * hand the result to every stage, so a reload that lands mid-request is
 * seen only by the requests that start after it.
 *
 * @module
 */
import type { PipelineDeps } from '../pipeline-deps.js'

/** `deps` bound to the policy set in force now; already-bound deps are returned as they are. */
export function atSnapshot(deps: PipelineDeps): PipelineDeps {
  if (deps.snapshot !== null) return deps
  const set = deps.policy.current()
  return {
    ...deps,
    snapshot: set,
    shadow: deps.shadow_slot.run,
    policy_version: set.version,
    engine: set.engine,
    actions: set.actions,
    targets: set.targets,
    recorder: deps.recorder.at(set.version),
  }
}
