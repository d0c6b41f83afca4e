/**
 * Resolve: find the action and the target, then hand the inputs to the
 * validate stage (`pipeline/validate/`) and take the policy engine's verdict
 * on what passed.
 *
 * The work itself is the pure `evaluateRequest` (policy/decide.ts), shared
 * with the standalone `decide()`; its `stage` says which step denied
 * (`resolve`: unknown action; `validate`, `target`: see validate; `policy`).
 *
 * Reads: the action source, the target source, the policy engine, the clock.
 * Writes: nothing. No I/O, so it is safe to call any number of times (the
 * approval path calls it again, for the requester, at approval time).
 *
 * @module
 */
import { type Evaluation, evaluateRequest } from '../../policy/decide.js'
import type { PipelineDeps } from '../pipeline-deps.js'
import type { RequestContext } from '../request-context.js'

export type ResolveDeps = Pick<PipelineDeps, 'actions' | 'targets' | 'engine' | 'unknown_actions' | 'now'> &
  Partial<Pick<PipelineDeps, 'policy_version'>>

/** The resolved action and target, the validated inputs and the policy's verdict. */
export function resolveRequest(
  deps: ResolveDeps,
  ctx: Pick<RequestContext, 'action' | 'inputs' | 'principal' | 'target' | 'ticket_id'>,
): Evaluation {
  return evaluateRequest(
    {
      getAction: (name) => deps.actions.get(name),
      getTarget: (id) => deps.targets.get(id),
      evaluate: (request) => deps.engine.evaluate(request),
      unknown_actions: deps.unknown_actions,
      policy_version: deps.policy_version,
    },
    {
      action: ctx.action,
      params: ctx.inputs,
      target: ctx.target,
      caller: ctx.principal.auth === 'anonymous' ? undefined : ctx.principal,
      ticket_id: ctx.ticket_id,
      now: deps.now(),
    },
  )
}
