/**
 * The outcome of a held request, rebuilt from its approval.
 *
 * @remarks A held request creates its approval and then stores its
 * `pending_approval` outcome under the idempotency key: two writes. A
 * process that dies between them leaves an approval that can be decided
 * while the key still looks in flight (or, after the lease, free). The
 * approval itself says how that first call ended, so a retry takes this
 * outcome instead of waiting out a dead holder or holding a second time.
 *
 * @module
 */
import { requestFingerprint } from '../../idempotency/fingerprint.js'
import type { PendingApprovalOutcome } from '../../outcome.js'
import type { Approval } from '../../store/store.js'
import type { PipelineDeps } from '../pipeline-deps.js'
import type { RequestContext } from '../request-context.js'

/**
 * The approval held under this request's key and its `pending_approval`
 * outcome, or null when there is none or it was held for another request (other
 * inputs, caller or target than `fingerprint` says), or by an earlier use of
 * the key (made before any live claim on it can have been: a key may be used
 * again once its outcome is purged, and with keys derived from the request,
 * as MCP's are, it will be).
 */
export async function heldOutcome(
  deps: Pick<PipelineDeps, 'store' | 'approvals' | 'gate'>,
  ctx: RequestContext,
  fingerprint: string,
): Promise<{ approval: Approval; outcome: PendingApprovalOutcome } | null> {
  const { principal, action, idempotency_key } = ctx
  if (idempotency_key === null) return null
  const approval = await deps.store.approvals.forKey(
    principal.tenant_id,
    action,
    idempotency_key,
    principal.actor_id,
  )
  if (!approval) return null
  if (approval.created_at < deps.gate.earliestLiveWrite()) return null
  const original = deps.approvals.open(approval)
  const same = requestFingerprint({
    action,
    inputs: original.inputs,
    actor_id: original.requester.actor_id,
    tenant_id: approval.tenant_id,
    target: approval.target,
  })
  if (same !== fingerprint) return null
  const held = await deps.store.audit.list({ approval_id: approval.id, status: 'held' }, 1)
  const outcome: PendingApprovalOutcome = {
    status: 'pending_approval',
    request_id: approval.request_id,
    audit_id: held.items[0]?.id ?? '',
    action,
    replayed: false,
    approval_id: approval.id,
    reason: approval.reason,
    rule: approval.rule,
    expires_at: approval.expires_at,
  }
  return { approval, outcome }
}
