/**
 * Human-readable output of `airlock approval`: one approval in full, and the
 * outcome of an approve.
 *
 * @module
 */
import { type CliIo, DIM, GREEN, paint, RED, YELLOW } from '../cli-io.js'
import { formatTable } from '../table.js'
import type { Wire } from './approval-backend.js'

export function text(value: unknown): string {
  return value === null || value === undefined ? '-' : String(value)
}

export function formatApproval(io: CliIo, a: Wire): string {
  const votes = Array.isArray(a.votes) ? (a.votes as Wire[]) : []
  const lines = [
    `${paint(io, YELLOW, text(a.status).toUpperCase())}  ${text(a.id)}`,
    `  action:     ${text(a.action)}`,
    `  target:     ${text(a.target)}`,
    `  requester:  ${text(a.requester)}${Array.isArray(a.requester_roles) && a.requester_roles.length > 0 ? ` (${(a.requester_roles as string[]).join(', ')})` : ''}`,
    `  reason:     ${text(a.reason)}${a.rule ? paint(io, DIM, ` [${text(a.rule)}]`) : ''}`,
    `  risk:       ${text(a.risk_class)} → ${text(a.effective_risk)}`,
    `  created:    ${text(a.created_at)}`,
    `  expires:    ${text(a.expires_at)}`,
    `  votes:      ${votes.length} of ${text(a.required_approvals)}${votes.map((v) => `\n    - ${text(v.approver)} at ${text(v.at)}${v.comment ? `: ${text(v.comment)}` : ''}`).join('')}`,
  ]
  if (a.decided_by)
    lines.push(`  decided by: ${text(a.decided_by)}${a.comment ? ` (${text(a.comment)})` : ''}`)
  lines.push(`  inputs:     ${JSON.stringify(a.inputs ?? null)}`)
  if (a.outcome !== null && a.outcome !== undefined) lines.push(`  outcome:    ${JSON.stringify(a.outcome)}`)
  return `${lines.join('\n')}\n`
}

/** The `approval list` table: a header, then one line per approval. */
export function formatApprovalTable(items: readonly Wire[]): string {
  if (items.length === 0) return ''
  const header = ['ID', 'STATUS', 'ACTION', 'REQUESTER', 'TARGET', 'EXPIRES']
  const rows = items.map((a) => [
    text(a.id),
    text(a.status),
    text(a.action),
    text(a.requester),
    text(a.target),
    text(a.expires_at),
  ])
  return formatTable([header, ...rows])
}

/** What `approval approve` prints for the wire body of the decision. */
export function formatApproveResult(io: CliIo, id: string, body: Wire): string {
  const status = text(body.status)
  if (status === 'executed') {
    return `${paint(io, GREEN, 'APPROVED')} ${id} — executed\n  result: ${JSON.stringify(body.result ?? null)}\n`
  }
  if (status === 'pending_approval') {
    const a = (body.approval ?? {}) as Wire
    const votes = Array.isArray(a.votes) ? a.votes.length : '?'
    return `${paint(io, YELLOW, 'VOTED')} ${id} — ${votes} of ${text(a.required_approvals)} approvals; waiting for more\n`
  }
  if (status === 'approved')
    return `${paint(io, GREEN, 'APPROVED')} ${id} — the requester's process runs it\n`
  if (status === 'failed') {
    const error = (body.error ?? {}) as Wire
    return `${paint(io, RED, 'APPROVED, FAILED')} ${id} — the action ran and failed: ${text(error.message)}\n`
  }
  return `${paint(io, RED, 'APPROVED, DENIED')} ${id} — ${text(body.reason)}\n`
}
