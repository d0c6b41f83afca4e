/**
 * Run: a guarded call goes through the pipeline — first submitted, then,
 * once held, resumed after approval or (with `on_timeout: 'allow'`) run
 * after its approval expired.
 *
 * @module
 */
import type { Airlock } from '../airlock.js'
import type { NotificationResult } from '../approvals/channels/channel.js'
import type { Outcome } from '../outcome.js'
import type { Approval } from '../store/store.js'
import { type CallScope, callScope } from './call-scope.js'
import type { DenialMessage } from './denial-message.js'
import { denyCall, finishCall } from './finish-call.js'
import type { GuardSettings } from './guard-options.js'
import type { ResolvedCall } from './resolve-call.js'

/**
 * Submits the call to the pipeline inside its scope, so the guard's policy
 * rule and the action's handler see the call's own verdict, `this` and
 * arguments.
 */
export function submitCall<A extends unknown[]>(
  airlock: Airlock,
  settings: GuardSettings<A>,
  call: ResolvedCall,
): Promise<Outcome> {
  return callScope.run(call.scope, () =>
    airlock.execute(
      settings.name,
      { ...call.inputs },
      {
        caller: settings.caller,
        idempotency_key: call.idempotency_key,
        ...(settings.signal ? { signal: settings.signal } : {}),
      },
    ),
  )
}

/**
 * Runs an approved call (here, or waits for the process already running it)
 * and returns its outcome.
 */
export async function resumeApproved<A extends unknown[]>(
  airlock: Airlock,
  settings: GuardSettings<A>,
  call: ResolvedCall,
  approval: Approval,
): Promise<Outcome> {
  await settledElsewhere(airlock, settings, approval)
  return callScope.run(call.scope, () => airlock.approvals.resume(settings.caller, approval.id))
}

/** Waits while another process runs an approved request, so its outcome can be returned. */
async function settledElsewhere<A extends unknown[]>(
  airlock: Airlock,
  settings: GuardSettings<A>,
  approval: Approval,
): Promise<void> {
  const deadline = Date.now() + settings.timeout_ms
  let current = approval
  while (current.status === 'executing' && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, settings.poll_ms))
    current = await airlock.approvals.get(settings.caller, approval.id)
  }
}

/**
 * `on_timeout: 'allow'`: runs without the approval, recorded as such; a hold
 * by the Airlock's own policy still stands.
 *
 * @remarks The idempotency key gets an `:on-timeout` suffix: the original
 * key is bound to the expired hold and would replay it.
 */
export async function runAfterTimeout<A extends unknown[]>(
  airlock: Airlock,
  settings: GuardSettings<A>,
  call: ResolvedCall,
  expired: Approval,
  notifications: readonly NotificationResult[],
): Promise<unknown | DenialMessage> {
  const { name, caller } = settings
  const scope: CallScope = {
    ...call.scope,
    hold: null,
    after_timeout: `Approval ${expired.id} timed out and on_timeout is 'allow'`,
    settled: null,
  }
  const key = call.idempotency_key
  const outcome = await callScope.run(scope, () =>
    airlock.execute(
      name,
      { ...call.inputs },
      { caller, idempotency_key: key === null ? null : `${key}:on-timeout` },
    ),
  )
  if (outcome.status === 'pending_approval') {
    await airlock.approvals.wait(caller, outcome.approval_id, { timeout_ms: 0 })
    return denyCall(settings, {
      kind: 'expired',
      action: name,
      reason:
        "No decision in time; on_timeout 'allow' cannot override the Airlock policy that requires approval",
      approver: null,
      approval_id: expired.id,
      notifications,
    })
  }
  return finishCall(settings, outcome, scope, notifications)
}
