/**
 * Guarding a refund: small refunds go straight through, large ones wait for
 * a human at the terminal. Approvals are kept in ./.airlock/airlock.db, so a
 * waiting refund can also be approved from another shell
 * (`airlock approval approve <id>`) or through the gateway.
 *
 * Run: node --import jiti/register examples/refund-guard/refund-guard.ts
 *
 * @module
 */
import { amountOver, approvalPolicy, guard } from 'airlock'

/** The function an agent may call; nothing about it knows it is guarded. */
async function issueRefund(order: { order_id: string; amount: number; reason: string }) {
  return { refund_id: `rf_${order.order_id}`, amount: order.amount }
}

// The three lines: a policy, the guarded function, a call.
const policy = approvalPolicy(amountOver({ arg: 'amount', threshold: 100 }))
const refund = guard(issueRefund, { policy, description: 'Refund an order to the card it was paid with' })
const small = await refund({ order_id: 'o-1', amount: 40, reason: 'late delivery' })

console.log('small refund:', small)
try {
  console.log('large refund:', await refund({ order_id: 'o-2', amount: 950, reason: 'damaged' }))
} catch (error) {
  console.log('large refund not made:', (error as Error).message)
}
