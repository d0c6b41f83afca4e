/**
 * Calls an action's in-process handler. This is the one place that knows how
 * an action is carried out; an executor (a Runner sending the call to a
 * container or a remote worker) replaces exactly this function.
 *
 * @module
 */
import type { ActionDefinition } from '../../actions/action-definition.js'
import type { RunContext } from './run.js'

export type HandlerResult = { ok: true; value: unknown } | { ok: false; error: unknown }

/**
 * Never throws: a handler's error is a result. The caller's abort signal
 * reaches the handler, and so does the loss of its idempotency claim.
 */
export async function invokeHandler(
  definition: ActionDefinition,
  inputs: unknown,
  ctx: RunContext,
): Promise<HandlerResult> {
  if (!definition.handler) {
    return { ok: false, error: new Error(`Action '${definition.name}' has no handler in this process`) }
  }
  // Lost before the handler was called (a slow step after the claim): it is not called at all.
  const lostBefore = ctx.claim_loss?.reason
  if (lostBefore) return { ok: false, error: lostBefore }
  // Made on first use: most handlers never look at their signal, and a
  // controller linked to the caller's costs on every run.
  let controller: AbortController | undefined
  let returned = false
  let unwatch: () => void = () => undefined
  const onAbort = () => controller?.abort(ctx.signal?.reason)
  const signal = () => {
    if (controller) return controller.signal
    controller = new AbortController()
    const lost = ctx.claim_loss?.reason
    if (ctx.signal?.aborted) controller.abort(ctx.signal.reason)
    else if (lost) controller.abort(lost)
    // Read after the handler returned (by work it left running): not linked, so nothing stays on the caller's signal.
    else if (!returned) {
      ctx.signal?.addEventListener('abort', onAbort, { once: true })
      const stop = controller
      unwatch = ctx.claim_loss?.watch((reason) => stop.abort(reason)) ?? unwatch
    }
    return controller.signal
  }
  try {
    const value = await definition.handler(inputs, {
      principal: ctx.principal,
      target: ctx.target,
      target_id: ctx.decision.target,
      request_id: ctx.request_id,
      approval_id: ctx.approval_id,
      idempotency_key: ctx.idempotency_key,
      get signal() {
        return signal()
      },
    })
    return { ok: true, value }
  } catch (error) {
    return { ok: false, error }
  } finally {
    returned = true
    ctx.signal?.removeEventListener('abort', onAbort)
    unwatch()
  }
}
