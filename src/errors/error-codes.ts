/**
 * Stable error codes. A code never changes meaning once published; clients
 * branch on it, not on the message.
 */
export const ErrorCode = {
  /** A configuration file (actions, policies, inventory, tests, config) is invalid. */
  CONFIG_INVALID: 'CONFIG_INVALID',
  /** An action with this name is already registered. */
  ACTION_DUPLICATE: 'ACTION_DUPLICATE',
  /** No action with this name is registered. */
  ACTION_NOT_FOUND: 'ACTION_NOT_FOUND',
  /** The inputs do not satisfy the action's schema. */
  INPUT_INVALID: 'INPUT_INVALID',
  /** The request itself (body, query, header) is malformed. */
  BAD_REQUEST: 'BAD_REQUEST',
  /** No credential, or a credential that does not verify. */
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  /** The caller is known but may not do this. */
  FORBIDDEN: 'FORBIDDEN',
  /** The same idempotency key was used with different inputs or caller. */
  IDEMPOTENCY_KEY_REUSED: 'IDEMPOTENCY_KEY_REUSED',
  /** A call with the same idempotency key is still running. */
  IDEMPOTENCY_IN_FLIGHT: 'IDEMPOTENCY_IN_FLIGHT',
  /** A run lost its claim on its idempotency key while it ran: another call may run under the key. */
  IDEMPOTENCY_CLAIM_LOST: 'IDEMPOTENCY_CLAIM_LOST',
  /** No approval with this id (in the caller's tenant). */
  APPROVAL_NOT_FOUND: 'APPROVAL_NOT_FOUND',
  /** The approval has already left the state the transition needs. */
  APPROVAL_ALREADY_DECIDED: 'APPROVAL_ALREADY_DECIDED',
  /** The requester tried to approve their own request. */
  APPROVAL_SELF_DECISION: 'APPROVAL_SELF_DECISION',
  /** The decider lacks a role the action requires of approvers. */
  APPROVER_NOT_ALLOWED: 'APPROVER_NOT_ALLOWED',
  /** A sealed payload could not be opened (wrong key or tampered data). */
  SEAL_INVALID: 'SEAL_INVALID',
  /** The store failed or is unreachable. */
  STORE_ERROR: 'STORE_ERROR',
  /**
   * The store's database cannot be reached (connection refused, lost, timed
   * out, or the circuit is open while it is down). Nothing was half-written;
   * retry later.
   */
  STORE_UNAVAILABLE: 'STORE_UNAVAILABLE',
  /** The shared limits backend (Redis) cannot be reached; the request was refused rather than let through unlimited. */
  LIMITS_UNAVAILABLE: 'LIMITS_UNAVAILABLE',
  /** No audit event, checkpoint or tree size like the one asked for exists (yet). */
  EVIDENCE_NOT_FOUND: 'EVIDENCE_NOT_FOUND',
  /** Fewer witnesses than required cosigned a checkpoint, so it was not published. */
  WITNESS_QUORUM_MISSING: 'WITNESS_QUORUM_MISSING',
  /** Rate limited. */
  RATE_LIMITED: 'RATE_LIMITED',
  /** Something that should not happen did. */
  INTERNAL: 'INTERNAL',
  /** A governed MCP server could not be reached, or its connection was lost mid-call. */
  UPSTREAM_UNAVAILABLE: 'UPSTREAM_UNAVAILABLE',
  /** A governed MCP server answered a tool call with an error. */
  UPSTREAM_TOOL_ERROR: 'UPSTREAM_TOOL_ERROR',
  /** An action's credential could not be fetched; the message names the provider and what it looked for. */
  CREDENTIAL_UNAVAILABLE: 'CREDENTIAL_UNAVAILABLE',
  /** A blocking precheck failed, so the action did not run. */
  PRECHECK_FAILED: 'PRECHECK_FAILED',
  /** The execution ticket of a run did not validate (expired, replayed, bound to something else). */
  TICKET_INVALID: 'TICKET_INVALID',
  /** The executor did not finish within the action's time budget; it was stopped. */
  EXECUTOR_TIMEOUT: 'EXECUTOR_TIMEOUT',
  /** The executor ran and the system answered with a failure (non-zero exit, error status). */
  EXECUTOR_FAILED: 'EXECUTOR_FAILED',
  /** The action names an executor that is not registered or not configured. */
  EXECUTOR_UNAVAILABLE: 'EXECUTOR_UNAVAILABLE',
  /** No undo can be built for this audit event (not executed, not reversible, no state). */
  ROLLBACK_UNAVAILABLE: 'ROLLBACK_UNAVAILABLE',
  /** A policy reload found problems in the files; the set in force stays, and `issues` lists every problem. */
  POLICY_RELOAD_REJECTED: 'POLICY_RELOAD_REJECTED',
  /** The gateway runs no shadow candidate, so there is no difference report. */
  SHADOW_NOT_RUNNING: 'SHADOW_NOT_RUNNING',
  /** No freeze with this id is in force. */
  FREEZE_NOT_FOUND: 'FREEZE_NOT_FOUND',
  /** A freeze covers this held request: it cannot be approved until the freeze is lifted. */
  APPROVAL_FROZEN: 'APPROVAL_FROZEN',
} as const

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode]

/** The HTTP status each code maps to. `satisfies` makes the compiler check it is complete. */
export const HTTP_STATUS = {
  CONFIG_INVALID: 500,
  ACTION_DUPLICATE: 500,
  ACTION_NOT_FOUND: 404,
  INPUT_INVALID: 422,
  BAD_REQUEST: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  IDEMPOTENCY_KEY_REUSED: 422,
  IDEMPOTENCY_IN_FLIGHT: 409,
  IDEMPOTENCY_CLAIM_LOST: 409,
  APPROVAL_NOT_FOUND: 404,
  EVIDENCE_NOT_FOUND: 404,
  WITNESS_QUORUM_MISSING: 503,
  APPROVAL_ALREADY_DECIDED: 409,
  APPROVAL_SELF_DECISION: 403,
  APPROVER_NOT_ALLOWED: 403,
  SEAL_INVALID: 500,
  STORE_ERROR: 503,
  STORE_UNAVAILABLE: 503,
  LIMITS_UNAVAILABLE: 503,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  UPSTREAM_UNAVAILABLE: 502,
  UPSTREAM_TOOL_ERROR: 502,
  CREDENTIAL_UNAVAILABLE: 503,
  PRECHECK_FAILED: 409,
  TICKET_INVALID: 403,
  EXECUTOR_TIMEOUT: 504,
  EXECUTOR_FAILED: 502,
  EXECUTOR_UNAVAILABLE: 501,
  ROLLBACK_UNAVAILABLE: 409,
  POLICY_RELOAD_REJECTED: 422,
  SHADOW_NOT_RUNNING: 404,
  FREEZE_NOT_FOUND: 404,
  APPROVAL_FROZEN: 409,
} as const satisfies Record<ErrorCode, number>
