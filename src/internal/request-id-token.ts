/**
 * What a caller-chosen request id may look like, wherever one is accepted
 * (the `X-Request-Id` header, `ExecuteOptions.client_request_id`).
 *
 * @module
 */

// Short and free of spaces, quotes, control bytes and non-ASCII, so it can be
// echoed in a header, a log line or a JSON body without escaping anything.
const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/

/** The rule in words, for error messages. */
export const REQUEST_ID_RULE = '1 to 128 characters of A-Z a-z 0-9 . _ : -'

/** Whether `value` may be used as a request id as it is. */
export function isSafeRequestId(value: unknown): value is string {
  return typeof value === 'string' && SAFE_REQUEST_ID.test(value)
}
