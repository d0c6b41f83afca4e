/**
 * Answers requests that Node's HTTP parser rejects before the app sees them
 * (a control character in a header, headers past the size limit, raw 8-bit
 * bytes in the path) with the same problem+json every other error uses,
 * instead of Node's bare 400 or 431 with no body.
 *
 * @module
 */
import { randomUUID } from 'node:crypto'
import type { Duplex } from 'node:stream'
import { PROBLEM_CONTENT_TYPE, type ProblemCode, problem, statusOf } from '../http/problem.js'

const REASON: Record<number, string> = {
  400: 'Bad Request',
  408: 'Request Timeout',
  431: 'Request Header Fields Too Large',
}

/** The problem code and a detail a client can act on, for a parser error code. */
export function clientErrorProblem(code: string | undefined): { code: ProblemCode; detail: string } {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return {
        code: 'HEADERS_TOO_LARGE',
        detail: 'The request headers are larger than the server accepts; send fewer or shorter headers',
      }
    case 'ERR_HTTP_REQUEST_TIMEOUT':
    case 'HPE_HEADERS_TIMEOUT':
      return { code: 'REQUEST_TIMEOUT', detail: 'The request was not received in time' }
    case 'HPE_INVALID_HEADER_TOKEN':
    case 'HPE_INVALID_CONSTANT':
    case 'HPE_LF_EXPECTED':
    case 'HPE_CR_EXPECTED':
      return {
        code: 'MALFORMED_REQUEST',
        detail:
          'A header name or value holds a character HTTP does not allow (such as NUL or another control character)',
      }
    case 'HPE_INVALID_URL':
      return {
        code: 'MALFORMED_REQUEST',
        detail: 'The request path holds characters HTTP does not allow; percent-encode non-ASCII bytes',
      }
    case 'HPE_INVALID_METHOD':
      return { code: 'MALFORMED_REQUEST', detail: 'The request method is not a valid HTTP method' }
    default:
      return { code: 'MALFORMED_REQUEST', detail: 'The request is not valid HTTP/1.1 and could not be read' }
  }
}

/**
 * The server's `clientError` listener: writes one raw HTTP/1.1 problem
 * response, with a generated `X-Request-Id` like every other answer, and
 * closes the connection.
 *
 * @remarks The parser state is unknown after such an error, so the
 * connection is never reused. A socket that is already gone, or that has
 * already been sent part of a response, is just destroyed.
 */
export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  if (
    error.code === 'ECONNRESET' ||
    !socket.writable ||
    (socket as { _httpMessage?: unknown })._httpMessage
  ) {
    socket.destroy()
    return
  }
  const { code, detail } = clientErrorProblem(error.code)
  const status = statusOf(code)
  // The request's own X-Request-Id could not be read reliably, so this answer gets a fresh one.
  const request_id = randomUUID()
  const body = JSON.stringify(problem(code, detail, { request_id }))
  socket.end(
    `HTTP/1.1 ${status} ${REASON[status] ?? 'Bad Request'}\r\n` +
      `content-type: ${PROBLEM_CONTENT_TYPE}\r\n` +
      `x-request-id: ${request_id}\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\n` +
      'connection: close\r\n\r\n' +
      body,
  )
}
