/**
 * `createMcpProxy()`: an MCP server in front of another one. Every
 * `tools/call` goes through the pipeline as an action of the proxy's
 * namespace; everything else (resources, prompts, completions, logging,
 * notifications, progress, cancellation) is relayed as it is.
 *
 * @module
 */
import { Server } from '@modelcontextprotocol/sdk/server/index.js'
import {
  CallToolRequestSchema,
  type CallToolResult,
  ListToolsRequestSchema,
  type ServerCapabilities,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js'
import type { ActionRegistry } from '../actions/action-registry.js'
import type { Airlock } from '../airlock.js'
import { VERSION } from '../cli/version.js'
import { AirlockError } from '../errors/airlock-error.js'
import { ErrorCode } from '../errors/error-codes.js'
import type { Principal } from '../identity/principal.js'
import { currentExchange, exchangeFor } from './call-exchange.js'
import { governToolCall, type McpErrorLog } from './govern-tool-call.js'
import { relayToUpstream } from './relay-to-upstream.js'
import type { HeldCallOptions } from './settle-held-call.js'
import { Upstream, type UpstreamSpec } from './upstream.js'
import {
  type ForwardCall,
  type UpstreamToolSettings,
  upstreamAction,
  upstreamActionName,
} from './upstream-action.js'
import { visibleTo } from './visible-to.js'

/** Options of {@link createMcpProxy}. */
export interface McpProxyOptions {
  /** The pipeline. It must read its actions from `registry`, where upstream tools are registered. */
  readonly airlock: Airlock
  readonly registry: ActionRegistry
  readonly upstream: UpstreamSpec
  /** Prefix of the upstream's action names: tool `read_file` of namespace `fs` is action `fs.read_file`. */
  readonly namespace: string
  /** Risk and approval settings per upstream tool name. */
  readonly tools?: Readonly<Record<string, UpstreamToolSettings>>
  /** What a tool missing from `tools` becomes: held for approval (risk high), or denied and hidden. Default `require_approval`. */
  readonly unknown_tools?: 'require_approval' | 'deny'
  readonly principal: Principal
  readonly held?: HeldCallOptions
  /** Longest an upstream tool call may run (progress resets the clock). Default 10 min. */
  readonly call_timeout_ms?: number
  readonly onError?: McpErrorLog
}

/** A proxy, not yet connected to its client. */
export interface McpProxy {
  readonly server: Server
  readonly upstream: Upstream
  /** Closes the server side and the upstream connection. */
  close(): Promise<void>
}

const NAMESPACE = /^[a-z][a-z0-9_-]*$/

/** The upstream's capabilities, minus tasks: a task-augmented call would escape the pipeline's wait. */
function relayedCapabilities(upstream: ServerCapabilities): ServerCapabilities {
  const { tasks: _tasks, experimental: _experimental, ...rest } = upstream
  return { ...rest, tools: { ...(upstream.tools ?? {}), listChanged: true } }
}

/**
 * Connects to the upstream and builds the proxy's server.
 *
 * @remarks Upstream tools are registered as actions the first time they are
 * listed or called and keep that definition (schema included) for the life
 * of the proxy, so an upstream that changes a tool after it was approved for
 * use does not change what policy judged. A tool absent from `tools` is held
 * for approval, or with `unknown_tools: deny` never registered (so the
 * pipeline denies it as unknown). The upstream's own error results are
 * recorded as failed. A lost stdio upstream fails the calls in flight and is
 * started again on the next request.
 *
 * @throws AirlockError `CONFIG_INVALID` for a bad namespace, `UPSTREAM_UNAVAILABLE` when it cannot connect.
 */
export async function createMcpProxy(options: McpProxyOptions): Promise<McpProxy> {
  const { airlock, registry, namespace, principal } = options
  if (!NAMESPACE.test(namespace)) {
    throw new AirlockError(
      ErrorCode.CONFIG_INVALID,
      `namespace must match ${NAMESPACE.source}, got '${namespace}'`,
    )
  }
  const configured = options.tools ?? {}
  const unknownTools = options.unknown_tools ?? 'require_approval'
  let server: Server | undefined
  const upstream = new Upstream(options.upstream, {
    onNotification: (notification) => {
      // Relayed as sent; a client that did not subscribe simply ignores it.
      void server?.notification(notification as never).catch(() => undefined)
    },
  })
  const upstreamClient = await upstream.client()

  const forward: ForwardCall = (tool, args, signal) => {
    // Taken now: progress arrives later, outside this call's async context.
    const exchange = currentExchange.getStore()
    return upstream.callTool(tool, args, {
      signal,
      timeout_ms: options.call_timeout_ms ?? 600_000,
      onProgress: (message) => void exchange?.progress(message),
    })
  }

  /** The action for an upstream tool, registering it the first time; undefined when unknown tools are denied. */
  const actionFor = (tool: Tool) => {
    const name = upstreamActionName(namespace, tool.name)
    const existing = registry.get(name)
    if (existing) return existing
    const settings =
      configured[tool.name] ??
      (unknownTools === 'deny' ? undefined : { risk: 'high' as const, approval_required: true })
    if (!settings) return undefined
    const definition = upstreamAction(namespace, tool, settings, forward)
    registry.register(definition)
    return definition
  }

  const instructions = upstreamClient.getInstructions()
  server = new Server(
    { name: `airlock-proxy-${namespace}`, version: VERSION },
    {
      capabilities: relayedCapabilities(upstreamClient.getServerCapabilities() ?? {}),
      ...(instructions === undefined ? {} : { instructions }),
    },
  )
  const proxy = server

  proxy.setRequestHandler(ListToolsRequestSchema, async (_request, extra) => {
    const tools = await upstream.listTools(extra.signal)
    return {
      tools: tools.filter((tool) => {
        const definition = actionFor(tool)
        return definition !== undefined && visibleTo(airlock, definition, principal)
      }),
    }
  })

  proxy.setRequestHandler(CallToolRequestSchema, async (request, extra): Promise<CallToolResult> => {
    const tool = request.params.name
    // A tool called before it was listed is looked up now, so it gets its configured settings.
    if (!registry.get(upstreamActionName(namespace, tool))) {
      const known = await upstream.listTools(extra.signal).catch(() => [])
      const found = known.find((t) => t.name === tool)
      if (found) actionFor(found)
    }
    return governToolCall({
      airlock,
      principal,
      action: upstreamActionName(namespace, tool),
      args: request.params.arguments ?? {},
      exchange: exchangeFor(proxy, extra),
      ...(options.held ? { held: options.held } : {}),
      ...(options.onError ? { onError: options.onError } : {}),
    })
  })

  relayToUpstream(proxy, upstream)

  return {
    server: proxy,
    upstream,
    close: async () => {
      await proxy.close().catch(() => undefined)
      await upstream.close()
    },
  }
}
