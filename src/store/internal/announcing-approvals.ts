/**
 * An approval store that announces each status change on a change feed, so
 * waiters in other processes re-read at once instead of at their next poll.
 *
 * @module
 */
import type { ApprovalStore } from '../approval-store.js'
import { APPROVAL_TOPIC, type ChangeFeed } from '../change-feed.js'

/**
 * `approvals` with every transition announced under {@link APPROVAL_TOPIC}.
 *
 * @remarks Announced after the change is committed, so a waiter woken by it
 * reads the new state. A failed announcement is not an error of the
 * transition: waiters fall back to polling.
 */
export function announcingApprovals(approvals: ApprovalStore, feed: ChangeFeed): ApprovalStore {
  const announce = async (ids: readonly string[]) => {
    await feed.publish(APPROVAL_TOPIC, ids).catch(() => undefined)
  }
  const announced = async <T>(result: T, id: (result: T) => string | null): Promise<T> => {
    const changed = id(result)
    if (changed !== null) await announce([changed])
    return result
  }
  return {
    ...approvals,
    approve: async (tenant, id, vote, now) =>
      announced(await approvals.approve(tenant, id, vote, now), (r) => (r.kind === 'not_found' ? null : id)),
    reject: async (tenant, id, vote, now) =>
      announced(await approvals.reject(tenant, id, vote, now), (r) => (r.kind === 'not_found' ? null : id)),
    startExecution: async (tenant, id, now) =>
      announced(await approvals.startExecution(tenant, id, now), (a) => a?.id ?? null),
    expireOne: async (tenant, id, now) =>
      announced(await approvals.expireOne(tenant, id, now), (a) => a?.id ?? null),
    complete: async (tenant, id, status, outcome, now) =>
      announced(await approvals.complete(tenant, id, status, outcome, now), (a) => a?.id ?? null),
    async expire(now) {
      const expired = await approvals.expire(now)
      await announce(expired.map((a) => a.id))
      return expired
    },
  }
}
