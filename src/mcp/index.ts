/**
 * MCP (`airlock/mcp`): Airlock's actions as an MCP server (stdio or
 * Streamable HTTP), and a governing proxy in front of any other MCP server.
 * Needs the optional peer `@modelcontextprotocol/sdk`.
 *
 * @module
 */

export { answerMalformed } from './answer-malformed.js'
export type { CallExchange } from './call-exchange.js'
export { createMcpProxy, type McpProxy, type McpProxyOptions } from './create-mcp-proxy.js'
export { createMcpServer, type McpServerOptions } from './create-mcp-server.js'
export { type GovernedCall, governToolCall, heldCallKey, type McpErrorLog } from './govern-tool-call.js'
export { type McpHttpOptions, mcpHttpApp } from './mcp-http-app.js'
export { AIRLOCK_META_KEY, failClosedResult, resultFromOutcome } from './result-from-outcome.js'
export { ELICITATION_CHANNEL, type HeldCallOptions, settleHeldCall } from './settle-held-call.js'
export { stdioLineTransport } from './stdio-line-transport.js'
export { toolFromAction } from './tool-from-action.js'
export { Upstream, type UpstreamEvents, type UpstreamSpec } from './upstream.js'
export {
  type ForwardCall,
  type UpstreamToolSettings,
  upstreamAction,
  upstreamActionName,
} from './upstream-action.js'
export { probeArgs, visibleTo } from './visible-to.js'
