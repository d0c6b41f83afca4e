import { z } from 'zod'
import { AirlockError } from '../../errors/airlock-error.js'
import { ErrorCode } from '../../errors/error-codes.js'
import type { Principal } from '../../identity/principal.js'
import type { ApprovalListOptions } from '../../store/store.js'
import { outcomeResponse } from '../outcome-response.js'
import { holdsDecidingRole, isAuditor, maySeeApproval } from '../read-access.js'
import { approvalIdParams, approvalsQuery, approvalWaitQuery, decideBody } from '../request-schemas.js'
import { defineRoute, type Route } from '../route.js'
import { toWireApproval } from '../to-wire.js'
import {
  approvalPageSchema,
  approvalSchema,
  approveDecidedSchema,
  approvedSchema,
  approvePendingSchema,
  rejectedSchema,
} from '../wire-schemas.js'
import { AUTHENTICATED_ERRORS, BODY_ERRORS, problemDoc } from './common-responses.js'
import { defaultLimit, type RouteDeps } from './route-deps.js'
import { watchApproval } from './watch-approval.js'

// Deciding is the one thing an unauthenticated caller must never do, even where anonymous access is configured.
function requireIdentifiedDecider(principal: Principal): Principal {
  if (principal.auth === 'anonymous') {
    throw new AirlockError(ErrorCode.FORBIDDEN, 'Deciding an approval needs an authenticated caller')
  }
  return principal
}

function notFound(id: string): AirlockError {
  return new AirlockError(ErrorCode.APPROVAL_NOT_FOUND, `Approval '${id}' not found`)
}

/**
 * A page of the approvals `principal` may read. Auditors list the tenant's;
 * approvers list pending requests they may decide (the page may come back
 * shorter than asked, with a cursor to continue); anyone else lists their own.
 */
async function visibleApprovals(deps: RouteDeps, principal: Principal, options: ApprovalListOptions) {
  const { airlock, read } = deps
  if (isAuditor(principal, read)) return airlock.approvals.list(principal, options)
  if (options.status === 'pending') {
    const page = await airlock.approvals.list(principal, options)
    const items = page.items.filter(
      (a) => a.requester === principal.actor_id || holdsDecidingRole(airlock, principal, a, read),
    )
    return { items, next_cursor: page.next_cursor }
  }
  return airlock.approvals.list(principal, { ...options, requester: principal.actor_id })
}

const DECISION_ERRORS = [
  problemDoc(403, 'The caller requested it (self-approval), lacks an approver role, or is anonymous'),
  problemDoc(404, 'No approval with this id in the caller’s tenant'),
  problemDoc(409, 'Already decided; approval_status says how'),
]

/** Listing, reading and deciding approvals, always within the caller's tenant. */
export function approvalRoutes(deps: RouteDeps): Route[] {
  const { airlock, base_path } = deps
  return [
    defineRoute({
      method: 'GET',
      path: '/approvals',
      operation_id: 'listApprovals',
      summary: 'Approvals in the caller’s tenant, newest first',
      description:
        'Auditors list every approval of the tenant; with `status=pending`, approvers list the requests they may decide; everyone else lists the requests they made.',
      tag: 'approvals',
      query: approvalsQuery(deps.max_page_size),
      responses: [
        { status: 200, description: 'A page of approvals', schema: approvalPageSchema },
        ...AUTHENTICATED_ERRORS,
      ],
      handle: async (c, { query }) => {
        const options: ApprovalListOptions = {
          limit: query.limit ?? defaultLimit(deps),
          ...(query.status === undefined ? {} : { status: query.status }),
          ...(query.cursor === undefined ? {} : { cursor: query.cursor }),
        }
        const page = await visibleApprovals(deps, c.get('principal'), options)
        return c.json({ items: page.items.map(toWireApproval), next_cursor: page.next_cursor })
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/approvals/{id}',
      operation_id: 'getApproval',
      summary: 'One approval, with its redacted inputs',
      tag: 'approvals',
      params: approvalIdParams,
      query: approvalWaitQuery,
      responses: [
        {
          status: 200,
          description: 'The approval (still pending when the wait ran out)',
          schema: approvalSchema,
        },
        problemDoc(404, 'No approval with this id in the caller’s tenant'),
        ...AUTHENTICATED_ERRORS,
      ],
      handle: async (c, { params, query }) => {
        const principal = c.get('principal')
        // Someone who may not read it learns no more than from an id that does not exist.
        const current = await airlock.approvals.get(principal, params.id)
        if (!maySeeApproval(airlock, principal, current, deps.read)) throw notFound(params.id)
        const wait_ms = (query.wait ?? 0) * 1000
        const approval = await watchApproval(airlock, principal, params.id, wait_ms, c.req.raw.signal)
        return c.json(toWireApproval(approval))
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/approvals/{id}/approve',
      operation_id: 'approve',
      summary: 'Approve; once the quorum is reached the request runs with its original inputs',
      description:
        'Answers with the execution outcome and the approval, with the same status `execute` gives that outcome: 200 executed, 403 denied (policy changed meanwhile), 500 failed; 200 `approved` when the requester’s process runs the request; 202 while more distinct approvers are needed.',
      tag: 'approvals',
      params: approvalIdParams,
      body: decideBody,
      body_required: false,
      responses: [
        {
          status: 200,
          description: 'Executed, or `approved` when the requester’s process runs it',
          schema: z.union([approveDecidedSchema, approvedSchema]),
        },
        { status: 500, description: 'Approved, ran and failed', schema: approveDecidedSchema },
        { status: 202, description: 'Vote counted; more approvers needed', schema: approvePendingSchema },
        ...DECISION_ERRORS,
        ...AUTHENTICATED_ERRORS,
        ...BODY_ERRORS,
      ],
      handle: async (c, { params, body }) => {
        const approver = requireIdentifiedDecider(c.get('principal'))
        const result = await airlock.approvals.approve(params.id, {
          approver,
          comment: body.comment ?? null,
          channel: 'http',
          client_request_id: c.get('client_request_id'),
        })
        const approval = toWireApproval(result.approval)
        if (result.status === 'pending') {
          return c.json({ status: 'pending_approval', approval_id: result.approval.id, approval }, 202)
        }
        if (result.status === 'approved') {
          return c.json({ status: 'approved', approval_id: result.approval.id, approval }, 200)
        }
        return outcomeResponse(c, result.outcome, base_path, { approval })
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/approvals/{id}/reject',
      operation_id: 'reject',
      summary: 'Reject; the request never runs',
      tag: 'approvals',
      params: approvalIdParams,
      body: decideBody,
      body_required: false,
      responses: [
        { status: 200, description: 'Rejected', schema: rejectedSchema },
        ...DECISION_ERRORS,
        ...AUTHENTICATED_ERRORS,
        ...BODY_ERRORS,
      ],
      handle: async (c, { params, body }) => {
        const approver = requireIdentifiedDecider(c.get('principal'))
        const approval = await airlock.approvals.reject(params.id, {
          approver,
          comment: body.comment ?? null,
          channel: 'http',
          client_request_id: c.get('client_request_id'),
        })
        return c.json({ status: 'rejected', approval_id: approval.id, approval: toWireApproval(approval) })
      },
    }),
  ]
}
