/**
 * Waiting for a decision, and expiring approvals nobody decided.
 *
 * `wait` polls the shared approval store (so a decision taken on another
 * replica is seen here; a push-based cross-replica wait replaces the poll).
 * At the timeout the requester's own wait expires the approval — and audits
 * it — rather than leaving it lingering; someone else's wait just returns.
 * Expiry is an atomic transition: of a vote and an expiry racing, one wins.
 *
 * @module
 */
import { setTimeout as sleep } from 'node:timers/promises'
import type { Principal } from '../../identity/principal.js'
import type { Approval } from '../../store/store.js'
import { toPrincipal } from '../identify/identify.js'
import type { PipelineDeps } from '../pipeline-deps.js'
import { approvalEvent } from '../record/approval-event.js'

type WaitDeps = Pick<PipelineDeps, 'approvals' | 'recorder'>

export async function wait(
  deps: WaitDeps,
  caller: Principal | string,
  id: string,
  options: { timeout_ms: number; poll_ms?: number; signal?: AbortSignal },
): Promise<Approval> {
  const principal = toPrincipal(caller)
  const deadline = Date.now() + options.timeout_ms
  for (;;) {
    const approval = await deps.approvals.get(principal, id)
    if (approval.status !== 'pending') return approval
    options.signal?.throwIfAborted()
    if (Date.now() >= deadline) {
      // Giving up expires the request, so only the one who asked may give up on it.
      if (approval.requester !== principal.actor_id) return approval
      const expired = await deps.approvals.expireNow(principal, id)
      if (!expired) continue
      await deps.recorder.record('expired', {
        ...approvalEvent(expired, null),
        reason: `Nobody decided within ${options.timeout_ms} ms`,
      })
      return expired
    }
    await sleep(Math.min(options.poll_ms ?? 100, Math.max(1, deadline - Date.now())), undefined, {
      ...(options.signal ? { signal: options.signal } : {}),
    })
  }
}

/** Expires pending approvals past their TTL and audits each. */
export async function expireDue(deps: WaitDeps): Promise<readonly Approval[]> {
  const expired = await deps.approvals.expireDue()
  await Promise.all(
    expired.map((a) =>
      deps.recorder.record('expired', {
        ...approvalEvent(a, null),
        reason: `Approval expired at ${a.expires_at}`,
      }),
    ),
  )
  return expired
}
