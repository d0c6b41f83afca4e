/**
 * `createMcpServer()`: Airlock's registered actions as an MCP server, every
 * `tools/call` decided by the pipeline.
 *
 * @module
 */
import { Server } from '@modelcontextprotocol/sdk/server/index.js'
import {
  CallToolRequestSchema,
  type CallToolResult,
  ListToolsRequestSchema,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js'
import type { Airlock } from '../airlock.js'
import { VERSION } from '../cli/version.js'
import type { Principal } from '../identity/principal.js'
import { exchangeFor } from './call-exchange.js'
import { governToolCall, type McpErrorLog } from './govern-tool-call.js'
import type { HeldCallOptions } from './settle-held-call.js'
import { toolFromAction } from './tool-from-action.js'
import { visibleTo } from './visible-to.js'

/** Options of {@link createMcpServer}. */
export interface McpServerOptions {
  /** Who calls: fixed for a stdio server, the authenticated principal for an HTTP session. */
  readonly principal: Principal
  /** How held calls wait and whether the client is asked. */
  readonly held?: HeldCallOptions
  /** Told about errors inside Airlock that failed a call closed. */
  readonly onError?: McpErrorLog
  /** Name the server gives itself in `initialize`. Default `airlock`. */
  readonly name?: string
}

function argumentsOf(params: { arguments?: Record<string, unknown> | undefined }): Record<string, unknown> {
  return params.arguments ?? {}
}

/**
 * An MCP server (SDK `Server`, not yet connected) over `airlock`'s actions.
 *
 * @remarks `tools/list` shows each action the principal is not denied
 * outright (see {@link visibleTo}); hiding is a courtesy, and `tools/call`
 * still runs the whole pipeline for any name, listed or not.
 *
 * @example
 * ```ts
 * const server = createMcpServer(airlock, { principal: localPrincipal('agent-7') })
 * await server.connect(new StdioServerTransport())
 * ```
 */
export function createMcpServer(airlock: Airlock, options: McpServerOptions): Server {
  const server = new Server(
    { name: options.name ?? 'airlock', version: VERSION },
    {
      capabilities: { tools: {} },
      instructions:
        'Every tool call is decided by Airlock policy. A call held for approval waits for a human; ' +
        'its result names the approval id when it cannot wait.',
    },
  )
  const principal = options.principal
  server.setRequestHandler(ListToolsRequestSchema, () => {
    const tools: Tool[] = airlock
      .actions()
      .filter((definition) => visibleTo(airlock, definition, principal))
      .map(toolFromAction)
    return { tools }
  })
  server.setRequestHandler(
    CallToolRequestSchema,
    (request, extra): Promise<CallToolResult> =>
      governToolCall({
        airlock,
        principal,
        action: request.params.name,
        args: argumentsOf(request.params),
        exchange: exchangeFor(server, extra),
        ...(options.held ? { held: options.held } : {}),
        ...(options.onError ? { onError: options.onError } : {}),
      }),
  )
  return server
}
