/**
 * RFC 9457 problem details: every error the API returns has this shape.
 *
 * @module
 */
import { AirlockError } from '../errors/airlock-error.js'
import { type ErrorCode, HTTP_STATUS } from '../errors/error-codes.js'

/**
 * Codes that only exist at the HTTP boundary, next to the pipeline's
 * {@link ErrorCode}s: a path no route serves, a method a route does not
 * take, a body too large or of the wrong media type.
 */
export const HttpErrorCode = {
  ROUTE_NOT_FOUND: 'ROUTE_NOT_FOUND',
  METHOD_NOT_ALLOWED: 'METHOD_NOT_ALLOWED',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  /** Node's HTTP parser refused the request before any route saw it. */
  MALFORMED_REQUEST: 'MALFORMED_REQUEST',
  HEADERS_TOO_LARGE: 'HEADERS_TOO_LARGE',
  REQUEST_TIMEOUT: 'REQUEST_TIMEOUT',
} as const

export type HttpErrorCode = (typeof HttpErrorCode)[keyof typeof HttpErrorCode]

/** Every `code` a problem response may carry. */
export type ProblemCode = ErrorCode | HttpErrorCode

/** The JSON body of an `application/problem+json` response. */
export interface ProblemBody {
  readonly type: string
  readonly title: string
  readonly status: number
  readonly detail: string
  readonly code: ProblemCode
  readonly [extension: string]: unknown
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json'

const TITLES: Record<ProblemCode, string> = {
  CONFIG_INVALID: 'Server misconfigured',
  ACTION_DUPLICATE: 'Server misconfigured',
  ACTION_NOT_FOUND: 'Action not found',
  INPUT_INVALID: 'Invalid inputs',
  BAD_REQUEST: 'Bad request',
  UNAUTHENTICATED: 'Authentication required',
  FORBIDDEN: 'Forbidden',
  IDEMPOTENCY_KEY_REUSED: 'Idempotency key reused',
  IDEMPOTENCY_IN_FLIGHT: 'Request with this idempotency key in progress',
  IDEMPOTENCY_CLAIM_LOST: 'Idempotency key lost while running',
  APPROVAL_NOT_FOUND: 'Approval not found',
  EVIDENCE_NOT_FOUND: 'Audit evidence not found',
  WITNESS_QUORUM_MISSING: 'Checkpoint not cosigned',
  APPROVAL_ALREADY_DECIDED: 'Approval already decided',
  APPROVAL_SELF_DECISION: 'Cannot decide own request',
  APPROVER_NOT_ALLOWED: 'Approver not allowed',
  SEAL_INVALID: 'Internal error',
  STORE_ERROR: 'Store unavailable',
  STORE_UNAVAILABLE: 'Store unavailable',
  LIMITS_UNAVAILABLE: 'Limits unavailable',
  RATE_LIMITED: 'Too many requests',
  INTERNAL: 'Internal error',
  UPSTREAM_UNAVAILABLE: 'Upstream MCP server unavailable',
  UPSTREAM_TOOL_ERROR: 'Upstream MCP tool failed',
  CREDENTIAL_UNAVAILABLE: 'Credential unavailable',
  PRECHECK_FAILED: 'Precheck failed',
  TICKET_INVALID: 'Execution ticket invalid',
  EXECUTOR_TIMEOUT: 'Executor timed out',
  EXECUTOR_FAILED: 'Executor failed',
  EXECUTOR_UNAVAILABLE: 'Executor unavailable',
  ROLLBACK_UNAVAILABLE: 'Rollback unavailable',
  POLICY_RELOAD_REJECTED: 'Policy reload rejected',
  SHADOW_NOT_RUNNING: 'No shadow policy running',
  FREEZE_NOT_FOUND: 'Freeze not found',
  APPROVAL_FROZEN: 'Approval frozen',
  ROUTE_NOT_FOUND: 'Not found',
  METHOD_NOT_ALLOWED: 'Method not allowed',
  PAYLOAD_TOO_LARGE: 'Payload too large',
  UNSUPPORTED_MEDIA_TYPE: 'Unsupported media type',
  MALFORMED_REQUEST: 'Malformed HTTP request',
  HEADERS_TOO_LARGE: 'Request headers too large',
  REQUEST_TIMEOUT: 'Request timeout',
}

const HTTP_ONLY_STATUS: Record<HttpErrorCode, number> = {
  ROUTE_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  MALFORMED_REQUEST: 400,
  HEADERS_TOO_LARGE: 431,
  REQUEST_TIMEOUT: 408,
}

// What a client is told for server-side failures; the real message goes to the log only.
const SERVER_DETAIL: Partial<Record<ProblemCode, string>> = {
  STORE_ERROR: 'The store failed or is unreachable; try again later',
  STORE_UNAVAILABLE:
    'The store cannot be reached; try again later with the same Idempotency-Key, which runs the request once whether or not a write in flight was stored',
  LIMITS_UNAVAILABLE: 'The rate-limit backend cannot be reached; try again later',
  SEAL_INVALID: 'A stored payload could not be opened',
}

const UNAVAILABLE = new Set<ProblemCode>(['STORE_UNAVAILABLE', 'LIMITS_UNAVAILABLE'])

const RESERVED = new Set(['type', 'title', 'status', 'detail', 'instance', 'code'])

/** The HTTP status for a code. */
export function statusOf(code: ProblemCode): number {
  return code in HTTP_ONLY_STATUS ? HTTP_ONLY_STATUS[code as HttpErrorCode] : HTTP_STATUS[code as ErrorCode]
}

/** A `urn:airlock:problem:<code>` type URI: stable, and never resolves to a page we would have to keep up. */
export function problemType(code: ProblemCode): string {
  return `urn:airlock:problem:${code.toLowerCase().replaceAll('_', '-')}`
}

/** Builds a problem body. Extension members never overwrite the standard ones. */
export function problem(
  code: ProblemCode,
  detail: string,
  extensions: Record<string, unknown> = {},
): ProblemBody {
  const body: Record<string, unknown> = {
    type: problemType(code),
    title: TITLES[code],
    status: statusOf(code),
    detail,
    code,
  }
  for (const [key, value] of Object.entries(extensions)) {
    if (!RESERVED.has(key) && value !== undefined) body[key] = value
  }
  return body as ProblemBody
}

/** An error that becomes a problem response as is; for failures found at the HTTP boundary. */
export class HttpProblemError extends Error {
  readonly body: ProblemBody
  readonly headers: Readonly<Record<string, string>>

  constructor(
    code: ProblemCode,
    detail: string,
    extensions: Record<string, unknown> = {},
    headers: Record<string, string> = {},
  ) {
    super(detail)
    this.name = 'HttpProblemError'
    this.body = problem(code, detail, extensions)
    this.headers = headers
  }
}

/**
 * The problem for any thrown value.
 *
 * @remarks Client errors (4xx) carry the error's message and structured
 * details (`issues`, ...). Server errors carry a fixed sentence: store and
 * crypto messages can name files, hosts or SQL, and stack traces never leave
 * the process. A decided approval's state goes in `approval_status`, since
 * `status` is the HTTP status in a problem body. `request_id`, when given,
 * is added as an extension member unless the error names one itself.
 */
export function problemFromError(
  error: unknown,
  request_id?: string,
): { body: ProblemBody; headers: Record<string, string> } {
  const trace = request_id === undefined ? {} : { request_id }
  if (error instanceof HttpProblemError) {
    const body = error.body.request_id === undefined ? { ...error.body, ...trace } : error.body
    return { body, headers: { ...error.headers } }
  }
  if (AirlockError.isInstance(error)) {
    const status = statusOf(error.code)
    if (status >= 500) {
      return {
        body: problem(
          error.code,
          SERVER_DETAIL[error.code] ?? 'The server failed to handle the request',
          trace,
        ),
        // An outage of a dependency is worth retrying soon; other server errors say nothing.
        headers: UNAVAILABLE.has(error.code) ? { 'retry-after': '1' } : {},
      }
    }
    const extensions: Record<string, unknown> = { ...trace }
    for (const [key, value] of Object.entries(error.details ?? {})) {
      if (key === 'status') extensions.approval_status = value
      else if (key !== 'credential') extensions[key] = value
    }
    const headers: Record<string, string> = {}
    if (error.code === 'UNAUTHENTICATED') {
      headers['www-authenticate'] =
        error.details?.credential === 'missing' ? 'Bearer' : `Bearer error="invalid_token"`
    }
    if (error.code === 'RATE_LIMITED' && typeof error.details?.retry_after_s === 'number') {
      headers['retry-after'] = String(Math.ceil(error.details.retry_after_s))
    }
    return { body: problem(error.code, error.message, extensions), headers }
  }
  return { body: problem('INTERNAL', 'The server failed to handle the request', trace), headers: {} }
}

/** A `Response` with the problem as `application/problem+json`. */
export function problemResponse(body: ProblemBody, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status: body.status,
    headers: { ...headers, 'content-type': PROBLEM_CONTENT_TYPE },
  })
}
