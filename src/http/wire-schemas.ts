/**
 * The response shapes of the REST API as zod schemas. They are what the
 * OpenAPI document says each route returns, and the tests parse real
 * responses with them, so the document cannot drift from the wire.
 *
 * @module
 */
import { z } from 'zod'
import type { AuditStatus } from '../audit/audit-event.js'
import { DECISION_RESULTS } from '../policy/decision.js'
import { RISK_CLASSES } from '../policy/risk-matrix.js'
import type { ApprovalStatus } from '../store/store.js'

const APPROVAL_STATUS_SET: Record<ApprovalStatus, true> = {
  pending: true,
  approved: true,
  rejected: true,
  expired: true,
  executing: true,
  executed: true,
  failed: true,
}
const AUDIT_STATUS_SET: Record<AuditStatus, true> = {
  allowed: true,
  denied: true,
  held: true,
  started: true,
  executed: true,
  failed: true,
  replayed: true,
  notified: true,
  approved: true,
  rejected: true,
  expired: true,
  policy_loaded: true,
  policy_rejected: true,
  frozen: true,
  unfrozen: true,
  dry_run: true,
  auth_failed: true,
}

/** Every approval state, in lifecycle order. */
export const APPROVAL_STATUSES = Object.keys(APPROVAL_STATUS_SET) as [ApprovalStatus, ...ApprovalStatus[]]
/** Every audit event status. */
export const AUDIT_STATUSES = Object.keys(AUDIT_STATUS_SET) as [AuditStatus, ...AuditStatus[]]

export const riskClassSchema = z.enum(RISK_CLASSES as [string, ...string[]])
export const decisionResultSchema = z.enum(DECISION_RESULTS as [string, ...string[]])
export const approvalStatusSchema = z.enum(APPROVAL_STATUSES)
export const auditStatusSchema = z.enum(AUDIT_STATUSES)

/** One problem with a value, located by `path`. */
export const issueSchema = z.object({
  path: z.array(z.union([z.string(), z.number().int()])),
  code: z.string(),
  message: z.string(),
})

/** RFC 9457 problem details with Airlock's `code`. */
export const problemSchema = z.looseObject({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  code: z.string().describe('Stable error code; branch on it rather than on the text'),
  issues: z.array(issueSchema).optional(),
})

export const statusOkSchema = z.object({ status: z.literal('ok') })

export const actionSchema = z.object({
  name: z.string(),
  description: z.string(),
  risk: riskClassSchema,
  required_scopes: z.array(z.string()),
  approval_required: z.boolean(),
  tags: z.array(z.string()),
  target_types: z.array(z.string()),
  input_schema: z.record(z.string(), z.unknown()).describe('JSON Schema (draft 2020-12) of the inputs'),
})

export const actionListSchema = z.object({ actions: z.array(actionSchema) })

const outcomeBase = {
  action: z.string(),
  request_id: z.string(),
  audit_id: z.string(),
  replayed: z
    .boolean()
    .describe('True when this is the stored outcome of an earlier call with the same idempotency key'),
}

export const executedSchema = z.object({
  status: z.literal('executed'),
  ...outcomeBase,
  result: z.unknown(),
  approval_id: z.string().nullable(),
})

export const pendingApprovalSchema = z.object({
  status: z.literal('pending_approval'),
  ...outcomeBase,
  approval_id: z.string(),
  reason: z.string(),
  rule: z.string().nullable(),
  expires_at: z.string(),
})

export const deniedSchema = z.object({
  status: z.literal('denied'),
  ...outcomeBase,
  code: z.enum([
    'SCOPE_MISSING',
    'POLICY',
    'RISK_EXCEEDED',
    'RATE_LIMITED',
    'TARGET_TYPE',
    'ACTION_NOT_FOUND',
    'INPUT_INVALID',
    'FROZEN',
  ]),
  reason: z.string(),
  rule: z.string().nullable(),
  issues: z.array(issueSchema),
  retry_after_s: z.number().optional().describe('With RATE_LIMITED: seconds until a retry can succeed'),
})

export const failedSchema = z.object({
  status: z.literal('failed'),
  ...outcomeBase,
  error: z.object({ message: z.string(), code: z.string().nullable() }),
  approval_id: z.string().nullable(),
})

export const dryRunSchema = z.object({
  status: z.literal('dry_run'),
  ...outcomeBase,
  decision: decisionResultSchema.describe(
    'allow: a real run would execute; require_approval: it would be held',
  ),
  reason: z.string(),
  rule: z.string().nullable(),
  executor: z.string().describe('Executor type, or handler for in-process handlers'),
  call: z.unknown().describe('The exact argv, HTTP request or API call a real run would send (redacted)'),
  prechecks: z.array(z.object({ name: z.string(), advisory: z.boolean() })),
  credential: z
    .object({ type: z.string(), provider: z.string(), location: z.string() })
    .nullable()
    .describe('Which provider would supply the credential and what it would read; never the secret'),
  warnings: z.array(z.string()),
})

export const outcomeSchema = z.discriminatedUnion('status', [
  executedSchema,
  pendingApprovalSchema,
  deniedSchema,
  failedSchema,
])

export const decisionSchema = z.object({
  decision: decisionResultSchema,
  reason: z.string(),
  rule: z.string().nullable(),
  action: z.string(),
  target: z.string().nullable(),
  caller: z.string(),
  risk_class: riskClassSchema,
  effective_risk: riskClassSchema,
  param_errors: z.array(issueSchema),
  ticket_id: z.string().nullable(),
  audit_id: z
    .string()
    .nullable()
    .describe('The audit event that recorded this check, when checks are audited'),
  ticket: z
    .object({ token: z.string(), nonce: z.string(), expires_at: z.string() })
    .nullable()
    .describe('On allow, with signing keys configured: a single-use execution ticket for an executor'),
  retry_after_s: z.number().optional().describe('When rate limited: seconds until a retry can succeed'),
})

export const planDecisionsSchema = z.object({ decisions: z.array(decisionSchema) })

export const approvalSchema = z.object({
  id: z.string(),
  tenant_id: z.string(),
  action: z.string(),
  target: z.string().nullable(),
  status: approvalStatusSchema,
  requester: z.string(),
  requester_roles: z.array(z.string()),
  decision: decisionResultSchema,
  reason: z.string(),
  rule: z.string().nullable(),
  risk_class: z.string(),
  effective_risk: z.string(),
  inputs: z.unknown().describe('The inputs, redacted'),
  idempotency_key: z.string().nullable(),
  ticket_id: z.string().nullable(),
  request_id: z.string(),
  required_approvals: z.number().int(),
  votes: z.array(z.object({ approver: z.string(), comment: z.string().nullable(), at: z.string() })),
  decided_by: z.string().nullable(),
  comment: z.string().nullable(),
  created_at: z.string(),
  expires_at: z.string(),
  decided_at: z.string().nullable(),
  completed_at: z.string().nullable(),
  outcome: z.unknown().describe('Outcome of the execution after approval, redacted'),
})

export const approvalPageSchema = z.object({
  items: z.array(approvalSchema),
  next_cursor: z.string().nullable(),
})

/** What approving returns once the quorum is reached and the request ran here: its outcome and the approval. */
export const approveDecidedSchema = z.union([
  executedSchema.extend({ approval: approvalSchema }),
  deniedSchema.extend({ approval: approvalSchema }),
  failedSchema.extend({ approval: approvalSchema }),
])

/** What approving returns when the request runs in the requester's process rather than this one. */
export const approvedSchema = z.object({
  status: z.literal('approved'),
  approval_id: z.string(),
  approval: approvalSchema,
})

/** What approving returns while more distinct approvers are needed. */
export const approvePendingSchema = z.object({
  status: z.literal('pending_approval'),
  approval_id: z.string(),
  approval: approvalSchema,
})

export const rejectedSchema = z.object({
  status: z.literal('rejected'),
  approval_id: z.string(),
  approval: approvalSchema,
})

export const auditEventSchema = z.object({
  seq: z.number().int(),
  id: z.string(),
  ts: z.string(),
  tenant_id: z.string(),
  request_id: z.string(),
  status: auditStatusSchema,
  action: z.string(),
  actor: z.string(),
  target: z.string().nullable(),
  decision: decisionResultSchema.nullable(),
  reason: z.string().nullable(),
  rule: z.string().nullable(),
  risk_class: z.string().nullable(),
  effective_risk: z.string().nullable(),
  inputs: z.unknown(),
  result: z.unknown(),
  error: z.string().nullable(),
  approval_id: z.string().nullable(),
  approver: z.string().nullable(),
  idempotency_key: z.string().nullable(),
  ticket_id: z.string().nullable(),
  context: z.record(z.string(), z.unknown()).nullable(),
  prev_hash: z.string(),
  hash: z.string(),
})

export const rollbackPlanSchema = z.object({
  audit_id: z.string().describe('The executed event being undone'),
  action: z.string(),
  rollback_action: z.string(),
  target: z.string().nullable(),
  params: z.record(z.string(), z.unknown()).describe("The rollback action's inputs"),
  sources: z
    .record(z.string(), z.string())
    .describe('Where each value came from: params.x or before_state.y'),
  warnings: z.array(z.string()),
  runnable: z.boolean().describe('False when a value is missing or was redacted in the audit record'),
})

export const auditPageSchema = z.object({
  items: z.array(auditEventSchema),
  next_cursor: z.string().nullable(),
})

export const verifySchema = z.object({
  valid: z.boolean(),
  /** Why the chain does not verify (absent when it does). */
  reason: z.string().optional(),
  /** When the reported scan finished. */
  checked_at: z.iso.datetime(),
  /** Seconds since then. */
  age_s: z.number().int(),
})
