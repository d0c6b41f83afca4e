import { setTimeout as sleep } from 'node:timers/promises'
import type { Airlock } from '../../airlock.js'
import type { Principal } from '../../identity/principal.js'
import type { Approval } from '../../store/store.js'

// Reads of the shared store are cheap; a decision taken on another replica is seen within this.
const POLL_MS = 100

/**
 * The approval, once it is no longer pending or `wait_ms` has passed.
 *
 * @remarks Unlike `approvals.wait()`, running out of time never expires the
 * approval: a long-poll is a read, and the client may poll again. It reads
 * the shared store, so a decision taken on any replica releases it. The
 * request's abort signal (the client went away) ends the wait early.
 */
export async function watchApproval(
  airlock: Airlock,
  principal: Principal,
  id: string,
  wait_ms: number,
  signal: AbortSignal,
): Promise<Approval> {
  const deadline = Date.now() + wait_ms
  for (;;) {
    const approval = await airlock.approvals.get(principal, id)
    const left = deadline - Date.now()
    if (approval.status !== 'pending' || left <= 0 || signal.aborted) return approval
    await sleep(Math.min(POLL_MS, left), undefined, { signal }).catch(() => undefined)
  }
}
