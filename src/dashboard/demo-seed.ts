import type { Airlock } from '../airlock.js'
import { localPrincipal } from '../identity/principal.js'

/** Every seeded request carries this ticket id, so sample data is never mistaken for real activity. */
export const DEMO_TICKET = 'DEMO-SEED'

const billing = localPrincipal('billing-agent', { roles: ['agent'], scopes: ['finance'] })
const ops = localPrincipal('ops-agent', { roles: ['agent'] })
const intern = localPrincipal('intern-script')
const approver = localPrincipal('alice', { roles: ['approver'] })

// Written for the quickstart's catalogue; requests for actions that are not registered are skipped.
const REQUESTS = [
  { action: 'list_invoices', inputs: { status: 'paid' }, caller: billing },
  { action: 'get_invoice', inputs: { invoice_id: 'inv_1001' }, caller: billing },
  { action: 'get_invoice', inputs: { invoice_id: 'inv_1002' }, caller: billing },
  { action: 'get_invoice', inputs: { invoice_id: 'inv_9999' }, caller: billing },
  { action: 'get_invoice', inputs: { invoice_id: 'inv_1001' }, caller: intern },
  {
    action: 'issue_refund',
    inputs: { invoice_id: 'inv_1001', amount_cents: 500, reason: 'Late delivery' },
    caller: billing,
    approve: true,
  },
  {
    action: 'issue_refund',
    inputs: { invoice_id: 'inv_1002', amount_cents: 1500, reason: 'Duplicate charge' },
    caller: billing,
  },
  {
    action: 'scale-deployment',
    inputs: { namespace: 'dev', replicas: 2 },
    target: 'dev/test-app',
    caller: ops,
  },
  { action: 'restart-deployment', inputs: { namespace: 'prod' }, target: 'prod/api-server', caller: ops },
] as const

/**
 * Runs a few sample requests through the real pipeline (so every event is a
 * genuine, chained audit record) and approves one of the held ones, leaving
 * the others pending in the inbox. Does nothing when the chain already has
 * events. Each request carries the ticket id {@link DEMO_TICKET}.
 *
 * @returns How many requests were seeded.
 */
export async function seedDemo(airlock: Airlock): Promise<number> {
  if ((await airlock.store.audit.head()) !== null) return 0
  let seeded = 0
  for (const request of REQUESTS) {
    if (airlock.getAction(request.action) === undefined) continue
    const outcome = await airlock.execute(
      request.action,
      { ...request.inputs },
      {
        caller: request.caller,
        target: 'target' in request ? request.target : null,
        ticket_id: DEMO_TICKET,
      },
    )
    seeded++
    if ('approve' in request && outcome.status === 'pending_approval') {
      await airlock.approvals.approve(outcome.approval_id, {
        approver,
        comment: 'Sample decision (demo data)',
        channel: 'demo',
      })
    }
  }
  return seeded
}
