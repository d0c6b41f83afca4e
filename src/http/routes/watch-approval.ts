import type { Airlock } from '../../airlock.js'
import type { Principal } from '../../identity/principal.js'
import type { Approval } from '../../store/store.js'

/**
 * The approval, once it is no longer pending or `wait_ms` has passed.
 *
 * @remarks Unlike a plain `approvals.wait()`, running out of time never
 * expires the approval: a long-poll is a read, and the client may poll
 * again. It waits on the shared store, so a decision taken on any replica
 * releases it (at once when the store announces changes). The request's
 * abort signal (the client went away) ends the wait early.
 */
export async function watchApproval(
  airlock: Airlock,
  principal: Principal,
  id: string,
  wait_ms: number,
  signal: AbortSignal,
): Promise<Approval> {
  try {
    return await airlock.approvals.wait(principal, id, {
      timeout_ms: wait_ms,
      signal,
      expire_at_timeout: false,
    })
  } catch (error) {
    // Nobody reads the answer to a request whose client left; any approval will do.
    if (signal.aborted) return airlock.approvals.get(principal, id)
    throw error
  }
}
