/**
 * Billing actions for the quickstart: a small invoice book kept in memory,
 * so the demo runs without any service behind it. Each export made with
 * `defineAction` is an action the gateway serves.
 *
 * @module
 */

import { defineAction } from 'airlock'
import { z } from 'zod'

interface Invoice {
  id: string
  customer: string
  amount_cents: number
  currency: 'EUR' | 'USD'
  status: 'open' | 'paid' | 'refunded'
  refunded_cents: number
}

// Demo data; it resets whenever the gateway restarts.
const invoices = new Map<string, Invoice>(
  [
    {
      id: 'inv_1001',
      customer: 'acme',
      amount_cents: 12_000,
      currency: 'EUR',
      status: 'paid',
      refunded_cents: 0,
    },
    {
      id: 'inv_1002',
      customer: 'acme',
      amount_cents: 4_500,
      currency: 'EUR',
      status: 'open',
      refunded_cents: 0,
    },
    {
      id: 'inv_1003',
      customer: 'globex',
      amount_cents: 98_000,
      currency: 'USD',
      status: 'paid',
      refunded_cents: 0,
    },
  ].map((invoice): [string, Invoice] => [invoice.id, { ...invoice } as Invoice]),
)

const invoiceId = z.string().regex(/^inv_\d{4}$/, 'an invoice id looks like inv_1001')

function find(id: string): Invoice {
  const invoice = invoices.get(id)
  if (!invoice) throw new Error(`No invoice ${id}`)
  return invoice
}

export const getInvoice = defineAction({
  name: 'get_invoice',
  description: 'Look up one invoice by id.',
  risk: 'low',
  required_scopes: ['finance'],
  tags: ['billing', 'read'],
  input: z.object({ invoice_id: invoiceId }),
  handler: ({ invoice_id }) => ({ ...find(invoice_id) }),
})

export const listInvoices = defineAction({
  name: 'list_invoices',
  description: 'List invoices, optionally for one customer or in one status.',
  risk: 'low',
  required_scopes: ['finance'],
  tags: ['billing', 'read'],
  input: z.object({
    customer: z.string().min(1).optional(),
    status: z.enum(['open', 'paid', 'refunded']).optional(),
  }),
  handler: ({ customer, status }) => ({
    invoices: [...invoices.values()]
      .filter(
        (i) =>
          (customer === undefined || i.customer === customer) &&
          (status === undefined || i.status === status),
      )
      .map((i) => ({ ...i })),
  }),
})

export const issueRefund = defineAction({
  name: 'issue_refund',
  description: 'Refund part or all of a paid invoice. Moves money: a human approves each refund.',
  risk: 'high',
  required_scopes: ['finance'],
  approval_required: true,
  approver_roles: ['approver'],
  tags: ['billing', 'write'],
  input: z.object({
    invoice_id: invoiceId,
    amount_cents: z.int().positive(),
    reason: z.string().min(3).max(500),
  }),
  handler: ({ invoice_id, amount_cents, reason }) => {
    const invoice = find(invoice_id)
    if (invoice.status === 'open') throw new Error(`Invoice ${invoice_id} is not paid; nothing to refund`)
    const remaining = invoice.amount_cents - invoice.refunded_cents
    if (amount_cents > remaining)
      throw new Error(`Refund of ${amount_cents} exceeds the ${remaining} left on ${invoice_id}`)
    invoice.refunded_cents += amount_cents
    if (invoice.refunded_cents === invoice.amount_cents) invoice.status = 'refunded'
    return {
      refund_id: `rf_${invoice_id.slice(4)}_${invoice.refunded_cents}`,
      invoice_id,
      amount_cents,
      currency: invoice.currency,
      reason,
      remaining_cents: invoice.amount_cents - invoice.refunded_cents,
    }
  },
})
