/**
 * A transport wrapper that answers malformed JSON-RPC messages instead of
 * dropping them.
 *
 * @module
 */
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js'
import {
  type JSONRPCMessage,
  JSONRPCMessageSchema,
  JSONRPCNotificationSchema,
  JSONRPCRequestSchema,
} from '@modelcontextprotocol/sdk/types.js'
import { paramPath } from '../actions/param-path.js'

/** JSON-RPC 2.0's code for a message that is JSON but not a valid request. */
const INVALID_REQUEST = -32600

type Id = string | number | null

function idOf(message: unknown): Id {
  const id = (message as { id?: unknown } | null)?.id
  return typeof id === 'string' || (typeof id === 'number' && Number.isInteger(id)) ? id : null
}

/** What is wrong with `message`, naming the member: `params: Invalid input: expected record, received string`. */
function whatIsWrong(message: unknown): string {
  if (typeof message !== 'object' || message === null || Array.isArray(message)) {
    return 'a JSON-RPC message must be a JSON object'
  }
  const record = message as Record<string, unknown>
  const schema = 'id' in record ? JSONRPCRequestSchema : JSONRPCNotificationSchema
  const issue = schema.safeParse(message).error?.issues[0]
  if (issue === undefined) return 'not a JSON-RPC 2.0 request, notification or response'
  const path = issue.path.map((p) => (typeof p === 'number' ? p : String(p)))
  return path.length === 0 ? issue.message : `${paramPath(path)}: ${issue.message}`
}

function isResponse(message: unknown): boolean {
  return typeof message === 'object' && message !== null && ('result' in message || 'error' in message)
}

/**
 * Wraps `inner` so that a message failing the JSON-RPC envelope (a request
 * whose `params` is not an object, a `method` that is not a string, a bare
 * array) is answered with error -32600 naming the member at fault, with the
 * request's `id` when it has a usable one and `null` otherwise.
 *
 * @remarks The MCP SDK drops such a message after reporting it to `onerror`,
 * so the agent that sent a request waits for an answer that never comes.
 * A malformed response is only reported: nothing waits for an answer to it.
 * Valid messages pass through untouched. `inner` must deliver messages
 * without validating them (the in-memory transport, {@link stdioLineTransport}).
 */
export function answerMalformed(inner: Transport): Transport {
  const outer: Transport = {
    start: () => inner.start(),
    send: (message, options) => inner.send(message, options),
    close: () => inner.close(),
    setProtocolVersion: (version) => inner.setProtocolVersion?.(version),
    get sessionId() {
      return inner.sessionId
    },
  }
  inner.onclose = () => outer.onclose?.()
  inner.onerror = (error) => outer.onerror?.(error)
  inner.onmessage = (message, extra) => {
    if (JSONRPCMessageSchema.safeParse(message).success) {
      outer.onmessage?.(message, extra)
      return
    }
    const detail = whatIsWrong(message)
    outer.onerror?.(new Error(`Malformed JSON-RPC message: ${detail}`))
    if (isResponse(message)) return
    const answer = {
      jsonrpc: '2.0',
      id: idOf(message),
      error: { code: INVALID_REQUEST, message: `Invalid request: ${detail}` },
    }
    // `id: null` is what JSON-RPC prescribes when the id cannot be read; the SDK's type does not allow it.
    inner.send(answer as unknown as JSONRPCMessage).catch((error: unknown) => outer.onerror?.(error as Error))
  }
  return outer
}
