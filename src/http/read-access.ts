/**
 * Who may read what over the API, within the caller's tenant: auditors read
 * the whole record, approvers the pending requests they may decide, everyone
 * else their own requests and events only.
 *
 * @module
 */
import type { Airlock } from '../airlock.js'
import type { Principal } from '../identity/principal.js'
import type { Approval } from '../store/store.js'

/** The roles that widen what a caller may read. */
export interface ReadRoles {
  /** Read every audit event and approval of the tenant, and verify the chain. */
  readonly auditor_roles: readonly string[]
  /** Deciders when an action names no approver roles (as `approvals.approver_roles`). */
  readonly approver_roles: readonly string[]
}

function holdsAny(principal: Principal, roles: readonly string[]): boolean {
  return roles.some((role) => principal.roles.includes(role))
}

/** Whether `principal` reads the tenant's whole record. */
export function isAuditor(principal: Principal, roles: ReadRoles): boolean {
  return holdsAny(principal, roles.auditor_roles)
}

/** Whether `principal` holds a role that may decide `approval` (the action's roles, else the default). */
export function holdsDecidingRole(
  airlock: Airlock,
  principal: Principal,
  approval: Approval,
  roles: ReadRoles,
): boolean {
  const named = airlock.getAction(approval.action)?.approver_roles ?? []
  return holdsAny(principal, named.length > 0 ? named : roles.approver_roles)
}

/**
 * Whether `principal` may read `approval`: an auditor, its requester, whoever
 * decided or voted on it, or, while it is pending, someone who may decide it.
 */
export function maySeeApproval(
  airlock: Airlock,
  principal: Principal,
  approval: Approval,
  roles: ReadRoles,
): boolean {
  if (isAuditor(principal, roles) || approval.requester === principal.actor_id) return true
  if (approval.decided_by === principal.actor_id) return true
  if (approval.votes.some((vote) => vote.approver === principal.actor_id)) return true
  return (
    approval.status === 'pending' &&
    approval.requester !== principal.actor_id &&
    holdsDecidingRole(airlock, principal, approval, roles)
  )
}
