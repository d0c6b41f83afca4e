/**
 * The request shapes of the REST API: path parameters, query strings,
 * headers and bodies. Bodies are strict (an unknown field is a 400, not
 * silently dropped) and every string is bounded.
 *
 * @module
 */
import { z } from 'zod'
import { ACTION_NAME_PATTERN } from '../actions/action-name.js'
import { approvalStatusSchema, auditStatusSchema, decisionResultSchema } from './wire-schemas.js'

/** Most steps one `check-plan` call may carry. */
export const MAX_PLAN_STEPS = 100

const APPROVAL_ID = /^apr-[0-9a-f]{24}$/
// Printable ASCII, as the IETF idempotency-key draft and most gateways expect.
const IDEMPOTENCY_KEY = /^[\x20-\x7e]+$/

export const actionNameParams = z.object({
  name: z
    .string()
    .max(128, 'must be at most 128 characters')
    .regex(ACTION_NAME_PATTERN, 'must be an action name: a lower-case letter, then letters, digits, _ or -'),
})

export const approvalIdParams = z.object({
  id: z.string().regex(APPROVAL_ID, "must be an approval id: 'apr-' and 24 lower-case hex characters"),
})

export const auditIdParams = z.object({
  id: z
    .string()
    .regex(/^evt-[0-9a-f]{24}$/, "must be an audit event id: 'evt-' and 24 lower-case hex characters"),
})

/** The optional body of `POST /audit/{id}/rollback`. */
export const rollbackBody = z.strictObject({})

const WAIT_RANGE = 'must be a whole number of seconds from 0 to 60'

/** `?wait=N`: hold a read of a pending approval open until it is decided, for at most N seconds. */
export const approvalWaitQuery = z.strictObject({
  wait: z
    .string()
    .regex(/^\d{1,2}$/, WAIT_RANGE)
    .transform(Number)
    .pipe(z.number().int().min(0, WAIT_RANGE).max(60, WAIT_RANGE))
    .optional()
    .describe(
      'Long-poll: while the approval is pending, wait up to this many seconds (0 to 60) for a decision',
    ),
})

export const idempotencyHeaders = z.object({
  'idempotency-key': z
    .string()
    .min(1, 'must not be empty')
    .max(255, 'must be at most 255 characters')
    .regex(IDEMPOTENCY_KEY, 'must be printable ASCII')
    .optional()
    .describe(
      'Makes the call safe to retry: the same key (per tenant and action) with the same inputs returns the first outcome',
    ),
})

const jsonObject = z.record(z.string(), z.unknown())
const targetField = z
  .string()
  .min(1)
  .max(512)
  .nullable()
  .optional()
  .describe('Inventory id of the target, e.g. prod/api-server')
const ticketField = z
  .string()
  .min(1)
  .max(256)
  .nullable()
  .optional()
  .describe('External ticket or incident id linked to the request')

export const executeBody = z.strictObject({
  inputs: jsonObject.describe("The action's inputs; see its input_schema"),
  target: targetField,
  ticket_id: ticketField,
})

/** `?dry_run=true`: plan the run and say what would be sent, running nothing. */
export const dryRunQuery = z.strictObject({
  dry_run: z
    .enum(['true', 'false'], { error: 'must be true or false' })
    .transform((value) => value === 'true')
    .optional()
    .describe('true: decide and plan only; nothing runs, no ticket or approval is used'),
})

const checkStepFields = {
  action: z.string().min(1).max(256),
  inputs: jsonObject.optional(),
  params: jsonObject.optional().describe('Alias of inputs'),
  target: targetField,
  ticket_id: ticketField,
}

function oneOfInputsOrParams(value: { inputs?: unknown; params?: unknown }, ctx: z.RefinementCtx): void {
  if (value.inputs !== undefined && value.params !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['params'], message: 'give inputs or params, not both' })
  }
}

export const checkBody = z.strictObject(checkStepFields).superRefine(oneOfInputsOrParams)

export const checkPlanBody = z.strictObject({
  steps: z
    .array(z.strictObject(checkStepFields).superRefine(oneOfInputsOrParams))
    .min(1, 'must hold at least one step')
    .max(MAX_PLAN_STEPS, `must hold at most ${MAX_PLAN_STEPS} steps`),
})

export const decideBody = z.strictObject({
  comment: z.string().max(4000, 'must be at most 4000 characters').nullable().optional(),
})

/** `limit` and `cursor`, with `limit` capped at `max`. */
export function pageQuery(max: number) {
  const range = `must be an integer from 1 to ${max}`
  return {
    limit: z
      .string()
      .regex(/^\d{1,10}$/, range)
      .transform(Number)
      .pipe(z.number().int().min(1, range).max(max, range))
      .optional()
      .describe(`Page size, 1 to ${max}; default ${Math.min(50, max)}`),
    cursor: z
      .string()
      .min(1)
      .max(4096)
      .optional()
      .describe('The next_cursor of the previous page, with the same filters'),
  }
}

export function approvalsQuery(max: number) {
  return z.strictObject({ status: approvalStatusSchema.optional(), ...pageQuery(max) })
}

const isoTime = z.iso.datetime({
  offset: true,
  error: 'must be an ISO-8601 time with a UTC offset, e.g. 2025-01-31T12:00:00Z',
})
const filterText = z.string().min(1).max(256)

/** `GET /policy/shadow/history`: a time range (default: the last 24 hours) and a candidate version. */
export const shadowHistoryQuery = z.strictObject({
  since: isoTime.optional().describe('Inclusive lower bound on ts; default 24 hours ago'),
  until: isoTime.optional().describe('Exclusive upper bound on ts; default now'),
  version: filterText
    .optional()
    .describe('The candidate version to report on; default the newest one shadowed in the range'),
})

export function auditQuery(max: number) {
  return z.strictObject({
    action: filterText.optional(),
    actor: filterText.optional(),
    decision: decisionResultSchema.optional(),
    status: auditStatusSchema.optional(),
    request_id: filterText.optional(),
    approval_id: filterText.optional(),
    target: filterText.optional(),
    rule: filterText.optional(),
    since: isoTime.optional().describe('Inclusive lower bound on ts'),
    until: isoTime.optional().describe('Exclusive upper bound on ts'),
    ...pageQuery(max),
  })
}
