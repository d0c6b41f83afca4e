/**
 * Waiting for a decision, and expiring approvals nobody decided.
 *
 * `wait` re-reads the shared approval store whenever the store announces a
 * change of the approval (PostgreSQL `LISTEN`/`NOTIFY`: a decision taken on
 * another replica releases it at once), and polls as the fallback: often
 * when the store has no announcements or is not listening, rarely otherwise.
 * At the timeout the requester's own wait expires the approval — and audits
 * it — rather than leaving it lingering; someone else's wait just returns.
 * Expiry is an atomic transition: of a vote and an expiry racing, one wins.
 *
 * @module
 */
import type { Principal } from '../../identity/principal.js'
import { APPROVAL_TOPIC } from '../../store/change-feed.js'
import type { Approval } from '../../store/store.js'
import { watchChanges } from '../../store/until-changed.js'
import { toPrincipal } from '../identify/identify.js'
import type { PipelineDeps } from '../pipeline-deps.js'
import type { WaitOptions } from '../pipeline-types.js'
import { approvalEvent } from '../record/approval-event.js'

type WaitDeps = Pick<PipelineDeps, 'approvals' | 'recorder' | 'store'>

export async function wait(
  deps: WaitDeps,
  caller: Principal | string,
  id: string,
  options: WaitOptions,
): Promise<Approval> {
  const watch = watchChanges(deps.store.changes, APPROVAL_TOPIC, id)
  try {
    return await waitWatched(deps, toPrincipal(caller), id, options, watch)
  } finally {
    watch.close()
  }
}

async function waitWatched(
  deps: WaitDeps,
  principal: Principal,
  id: string,
  options: WaitOptions,
  watch: ReturnType<typeof watchChanges>,
): Promise<Approval> {
  const deadline = Date.now() + options.timeout_ms
  for (;;) {
    const approval = await deps.approvals.get(principal, id)
    if (approval.status !== 'pending') return approval
    options.signal?.throwIfAborted()
    if (Date.now() >= deadline) {
      // Giving up expires the request, so only the one who asked may give up on it.
      if (options.expire_at_timeout === false || approval.requester !== principal.actor_id) return approval
      const expired = await deps.approvals.expireNow(principal, id)
      if (!expired) continue
      await deps.recorder.record('expired', {
        ...approvalEvent(expired, null),
        reason: `Nobody decided within ${options.timeout_ms} ms`,
      })
      return expired
    }
    await watch.next(deadline - Date.now(), options.poll_ms, options.signal)
    options.signal?.throwIfAborted()
  }
}

/**
 * Expires pending approvals past their TTL and audits each, in an
 * `airlock.expire` span per approval. A sweep that expires nothing leaves
 * no span: it runs on a timer and would otherwise fill traces with nothing.
 */
export async function expireDue(deps: WaitDeps & Pick<PipelineDeps, 'tracer'>): Promise<readonly Approval[]> {
  const expired = await deps.approvals.expireDue()
  await Promise.all(
    expired.map((a) =>
      deps.tracer.stage(
        'expire',
        { 'airlock.action': a.action, 'airlock.approval_id': a.id, 'airlock.approval_status': a.status },
        () =>
          deps.recorder.record('expired', {
            ...approvalEvent(a, null),
            reason: `Approval expired at ${a.expires_at}`,
          }),
      ),
    ),
  )
  return expired
}
