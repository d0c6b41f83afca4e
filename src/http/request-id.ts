/**
 * The id that ties one HTTP request's log lines, its response and its audit
 * events together: the caller's `X-Request-Id` when it is a safe token,
 * otherwise one made here.
 *
 * @module
 */
import { randomUUID } from 'node:crypto'
import { isSafeRequestId } from '../internal/request-id-token.js'

/** The header a caller may send and every response carries. */
export const REQUEST_ID_HEADER = 'x-request-id'

/** The request's id and whether the caller chose it. */
export interface RequestId {
  readonly id: string
  /** True when `id` is the caller's `X-Request-Id`; false when it was generated. */
  readonly from_client: boolean
}

/**
 * The caller's `X-Request-Id` when it is at most 128 characters of
 * `[A-Za-z0-9._:-]`, else a fresh UUID: anything else is dropped rather
 * than echoed, so a header cannot smuggle text into logs or responses.
 */
export function requestIdOf(request: Request): RequestId {
  const sent = request.headers.get(REQUEST_ID_HEADER)
  if (sent !== null && isSafeRequestId(sent)) return { id: sent, from_client: true }
  return { id: randomUUID(), from_client: false }
}
