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
  ResultSchema,
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

function textOf(result: CallToolResult): string {
  const texts = result.content.flatMap((c) => (c.type === 'text' ? [c.text] : []))
  return texts.join('\n').slice(0, 2000) || 'the tool reported an error'
}

/** The upstream's capabilities, minus tasks: a task-augmented call would escape the pipeline's wait. */
function relayedCapabilities(upstream: ServerCapabilities): ServerCapabilities {
  const { tasks: _tasks, experimental: _experimental, ...rest } = upstream
  return { ...rest, tools: { ...(upstream.tools ?? {}), listChanged: true } }
}

function upstreamError(error: unknown): AirlockError {
  if (AirlockError.isInstance(error)) return error
  const message = error instanceof Error ? error.message : String(error)
  return new AirlockError(
    ErrorCode.UPSTREAM_UNAVAILABLE,
    `The upstream MCP server did not answer: ${message}`,
  )
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

  const forward: ForwardCall = async (tool, args, signal) => {
    const exchange = currentExchange.getStore()
    const client = await upstream.client()
    let result: CallToolResult
    try {
      result = (await client.callTool({ name: tool, arguments: args }, undefined, {
        signal,
        timeout: options.call_timeout_ms ?? 600_000,
        resetTimeoutOnProgress: true,
        onprogress: (p) => {
          const of = p.total === undefined ? '' : `/${p.total}`
          void exchange?.progress(p.message ?? `${tool}: ${p.progress}${of}`)
        },
      })) as CallToolResult
    } catch (error) {
      throw upstreamError(error)
    }
    if (result.isError) throw new AirlockError(ErrorCode.UPSTREAM_TOOL_ERROR, textOf(result))
    return result
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

  const listUpstreamTools = async (signal?: AbortSignal): Promise<Tool[]> => {
    const client = await upstream.client()
    const tools: Tool[] = []
    let cursor: string | undefined
    do {
      const page = await client.listTools(cursor ? { cursor } : {}, signal ? { signal } : {})
      tools.push(...page.tools)
      cursor = page.nextCursor
    } while (cursor)
    return tools
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
    const tools = await listUpstreamTools(extra.signal).catch((error: unknown) => {
      throw upstreamError(error)
    })
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
      const known = await listUpstreamTools(extra.signal).catch(() => [])
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

  // Everything that is not a tool call goes to the upstream as it came, cancellation and progress included.
  proxy.fallbackRequestHandler = async (request, extra) => {
    const client = await upstream.client()
    const token = extra._meta?.progressToken
    return client.request({ method: request.method, params: request.params } as never, ResultSchema, {
      signal: extra.signal,
      ...(token === undefined
        ? {}
        : {
            onprogress: (p) =>
              void extra
                .sendNotification({
                  method: 'notifications/progress',
                  params: { ...p, progressToken: token },
                })
                .catch(() => undefined),
          }),
    })
  }
  proxy.fallbackNotificationHandler = async (notification) => {
    const client = await upstream.client().catch(() => null)
    await client?.notification(notification as never).catch(() => undefined)
  }

  return {
    server: proxy,
    upstream,
    close: async () => {
      await proxy.close().catch(() => undefined)
      await upstream.close()
    },
  }
}
