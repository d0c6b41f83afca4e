/**
 * What a governed tool call may say back to its MCP client while it runs:
 * progress, and (when the client supports it) a question for the human.
 *
 * @module
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import type { Server } from '@modelcontextprotocol/sdk/server/index.js'
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js'
import {
  type ElicitRequestFormParams,
  type ElicitResult,
  ElicitResultSchema,
  type ServerNotification,
  type ServerRequest,
} from '@modelcontextprotocol/sdk/types.js'
import { isSafeRequestId } from '../internal/request-id-token.js'

/** One `tools/call` in progress, as the governing code sees it. */
export interface CallExchange {
  /** Aborted when the client cancels the call or goes away. */
  readonly signal: AbortSignal
  /**
   * The `X-Request-Id` the client sent with the HTTP request that carried
   * this call, when it is a safe token; null over stdio or when absent.
   */
  readonly client_request_id: string | null
  /** Sends a progress notification (a no-op when the client asked for none). */
  progress(message: string): Promise<void>
  /** Asks the human at the client through a form; undefined when the client cannot be asked. */
  readonly elicit:
    | ((params: ElicitRequestFormParams, signal: AbortSignal) => Promise<ElicitResult>)
    | undefined
}

export type ToolCallExtra = RequestHandlerExtra<ServerRequest, ServerNotification>

/** The exchange of the call a proxied handler is running for (set around each governed call). */
export const currentExchange = new AsyncLocalStorage<CallExchange>()

/** The HTTP request's `X-Request-Id`, kept only when it is a safe token (as the HTTP API keeps it). */
function clientRequestId(extra: ToolCallExtra): string | null {
  const sent = extra.requestInfo?.headers['x-request-id']
  const value = Array.isArray(sent) ? sent[0] : sent
  return value !== undefined && isSafeRequestId(value) ? value : null
}

/**
 * The exchange for one request handled by `server`.
 *
 * @remarks Progress values only ever increase, as the protocol requires; the
 * request is related to the call, so on Streamable HTTP it travels on the
 * call's own stream.
 */
export function exchangeFor(server: Server, extra: ToolCallExtra): CallExchange {
  const token = extra._meta?.progressToken
  let step = 0
  const elicitation = server.getClientCapabilities()?.elicitation
  // An empty `elicitation: {}` means form mode (the 2025-06-18 shape); a URL-only client cannot answer a form.
  const canElicit =
    elicitation !== undefined && (elicitation.form !== undefined || elicitation.url === undefined)
  return {
    signal: extra.signal,
    client_request_id: clientRequestId(extra),
    progress: async (message) => {
      if (token === undefined || extra.signal.aborted) return
      step++
      await extra
        .sendNotification({
          method: 'notifications/progress',
          params: { progressToken: token, progress: step, message },
        })
        .catch(() => undefined)
    },
    elicit: canElicit
      ? (params, signal) =>
          extra.sendRequest(
            { method: 'elicitation/create', params },
            ElicitResultSchema,
            // A human takes their time: no request timeout; the wait's own deadline aborts it.
            { signal, timeout: 2_147_483_647 },
          )
      : undefined,
  }
}
