/**
 * Audit events about an approval (voted, rejected, expired, notified,
 * replayed) share their fields; this builds them from the approval row.
 *
 * @module
 */
import { localPrincipal, type Principal } from '../../identity/principal.js'
import type { Approval } from '../../store/store.js'
import type { NotificationReport } from '../pipeline-types.js'
import type { Recorder } from './recorder.js'

/**
 * The requester as the approval row describes them, for attributing events.
 * (Where the full requester is needed — re-checking policy — it comes from
 * the sealed request instead.)
 */
function requesterOf(approval: Approval): Principal {
  return {
    ...localPrincipal(approval.requester, { roles: approval.requester_roles, tenant_id: approval.tenant_id }),
    auth: 'approval',
  }
}

/** Fields every audit event about an approval shares. */
export function approvalEvent(
  approval: Approval,
  approver: string | null,
  requester = requesterOf(approval),
) {
  return {
    request_id: approval.request_id,
    principal: requester,
    action: approval.action,
    approval_id: approval.id,
    approver,
    idempotency_key: approval.idempotency_key,
    ticket_id: approval.ticket_id,
    target: approval.target,
  }
}

/** Records whether a channel was (or could not be) told about a pending approval. */
export async function recordNotified(
  deps: { recorder: Recorder },
  approval: Approval,
  report: NotificationReport,
): Promise<void> {
  await deps.recorder.record('notified', {
    ...approvalEvent(approval, null),
    reason: report.delivered
      ? `Notified via ${report.channel}`
      : `Could not notify via ${report.channel}: ${report.error ?? 'unknown error'}`,
    context: {
      channel: report.channel,
      delivered: report.delivered,
      error: report.error ?? null,
      ...(report.details ? { details: report.details } : {}),
    },
  })
}
