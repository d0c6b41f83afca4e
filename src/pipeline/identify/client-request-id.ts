/**
 * The caller's own id for a request (an HTTP `X-Request-Id`, a job id),
 * kept as `client_request_id` in the context of every audit event the
 * request writes, so the caller's logs and the audit record can be joined.
 *
 * @module
 */
import { AirlockError } from '../../errors/airlock-error.js'
import { ErrorCode } from '../../errors/error-codes.js'
import { isSafeRequestId, REQUEST_ID_RULE } from '../../internal/request-id-token.js'
import type { PipelineDeps } from '../pipeline-deps.js'

function described(value: unknown): string {
  // The value itself is not repeated: it came from outside and may be anything.
  return typeof value === 'string' ? `a string of ${value.length} characters` : typeof value
}

/**
 * `deps` whose recorder adds `client_request_id` to every event; `deps` as
 * they are when there is no id.
 *
 * @throws AirlockError `BAD_REQUEST` when the id is not a safe token.
 */
export function withClientRequestId(deps: PipelineDeps, id: string | null | undefined): PipelineDeps {
  if (id === undefined || id === null) return deps
  if (!isSafeRequestId(id)) {
    throw new AirlockError(
      ErrorCode.BAD_REQUEST,
      `client_request_id must be ${REQUEST_ID_RULE}; got ${described(id)}`,
    )
  }
  return { ...deps, recorder: deps.recorder.with({ client_request_id: id }) }
}
