/**
 * The connection from the proxy to the MCP server it governs, over stdio (a
 * command it starts) or Streamable HTTP (a URL), reconnected on demand.
 *
 * @module
 */
import type { IOType } from 'node:child_process'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js'
import type {
  CallToolResult,
  Notification,
  ServerCapabilities,
  Tool,
} from '@modelcontextprotocol/sdk/types.js'
import { VERSION } from '../cli/version.js'
import { AirlockError } from '../errors/airlock-error.js'
import { ErrorCode } from '../errors/error-codes.js'

/** Where the governed server is. */
export type UpstreamSpec =
  | {
      readonly command: string
      readonly args?: readonly string[] | undefined
      /** Added to the minimal environment the SDK passes on (PATH, HOME, ...). */
      readonly env?: Readonly<Record<string, string>> | undefined
      readonly cwd?: string | undefined
      /** The child's stderr. Default `inherit`. */
      readonly stderr?: IOType | undefined
    }
  | { readonly url: string; readonly headers?: Readonly<Record<string, string>> | undefined }

/** Told about upstream notifications (relayed to the client) and lost connections. */
export interface UpstreamEvents {
  onNotification?(notification: Notification): void
  onClose?(): void
}

function transportFor(spec: UpstreamSpec): Transport & { readonly pid?: number | null } {
  if ('url' in spec) {
    let url: URL
    try {
      url = new URL(spec.url)
    } catch {
      throw new AirlockError(ErrorCode.CONFIG_INVALID, `upstream URL is not a URL: '${spec.url}'`)
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new AirlockError(ErrorCode.CONFIG_INVALID, `upstream URL must be http(s), got '${spec.url}'`)
    }
    return new StreamableHTTPClientTransport(url, {
      requestInit: { headers: { ...(spec.headers ?? {}) } },
    })
  }
  return new StdioClientTransport({
    command: spec.command,
    args: [...(spec.args ?? [])],
    ...(spec.env ? { env: { ...process.env, ...spec.env } as Record<string, string> } : {}),
    ...(spec.cwd ? { cwd: spec.cwd } : {}),
    stderr: spec.stderr ?? 'inherit',
  })
}

/** The governed server, connected. */
export class Upstream {
  readonly #spec: UpstreamSpec
  readonly #events: UpstreamEvents
  #client: Client | null = null
  #transport: (Transport & { readonly pid?: number | null }) | null = null
  #connecting: Promise<Client> | null = null
  #closed = false

  constructor(spec: UpstreamSpec, events: UpstreamEvents = {}) {
    this.#spec = spec
    this.#events = events
  }

  /** The process id of a stdio upstream (null over HTTP or when not running). */
  get pid(): number | null {
    return this.#transport?.pid ?? null
  }

  /** What the upstream said it can do, once connected. */
  get capabilities(): ServerCapabilities {
    return this.#client?.getServerCapabilities() ?? {}
  }

  /**
   * The connected client, connecting (again) first when there is none: a
   * stdio upstream that died is started anew on the next request.
   *
   * @throws AirlockError `UPSTREAM_UNAVAILABLE` when it cannot be reached.
   */
  client(): Promise<Client> {
    if (this.#closed) return Promise.reject(unavailable('the proxy is closed'))
    if (this.#client) return Promise.resolve(this.#client)
    this.#connecting ??= this.#connect().finally(() => {
      this.#connecting = null
    })
    return this.#connecting
  }

  async #connect(): Promise<Client> {
    // No client capabilities are claimed: the proxy does not know yet what its own client can do.
    const client = new Client({ name: 'airlock-proxy', version: VERSION }, { capabilities: {} })
    const transport = transportFor(this.#spec)
    client.fallbackNotificationHandler = async (notification) => this.#events.onNotification?.(notification)
    client.onclose = () => {
      if (this.#client === client) {
        this.#client = null
        this.#transport = null
        this.#events.onClose?.()
      }
    }
    try {
      await client.connect(transport)
    } catch (error) {
      await client.close().catch(() => undefined)
      throw unavailable(error instanceof Error ? error.message : String(error))
    }
    this.#client = client
    this.#transport = transport
    return client
  }

  /** Every tool the upstream lists, all pages. */
  async listTools(signal?: AbortSignal): Promise<Tool[]> {
    try {
      const client = await this.client()
      const tools: Tool[] = []
      let cursor: string | undefined
      do {
        const page = await client.listTools(cursor ? { cursor } : {}, signal ? { signal } : {})
        tools.push(...page.tools)
        cursor = page.nextCursor
      } while (cursor)
      return tools
    } catch (error) {
      throw asUpstreamError(error)
    }
  }

  /**
   * Calls one tool, relaying its progress.
   *
   * @throws AirlockError `UPSTREAM_UNAVAILABLE` when the upstream cannot be
   * reached or goes away mid-call, `UPSTREAM_TOOL_ERROR` when it answers with
   * an error result (so the pipeline records the call as failed).
   */
  async callTool(
    tool: string,
    args: Record<string, unknown>,
    options: { signal: AbortSignal; timeout_ms: number; onProgress?: (message: string) => void },
  ): Promise<CallToolResult> {
    let result: CallToolResult
    try {
      const client = await this.client()
      result = (await client.callTool({ name: tool, arguments: args }, undefined, {
        signal: options.signal,
        timeout: options.timeout_ms,
        resetTimeoutOnProgress: true,
        onprogress: (p) => {
          const of = p.total === undefined ? '' : `/${p.total}`
          options.onProgress?.(p.message ?? `${tool}: ${p.progress}${of}`)
        },
      })) as CallToolResult
    } catch (error) {
      throw asUpstreamError(error)
    }
    if (result.isError) throw new AirlockError(ErrorCode.UPSTREAM_TOOL_ERROR, textOf(result))
    return result
  }

  async close(): Promise<void> {
    this.#closed = true
    const client = this.#client
    this.#client = null
    await client?.close()
  }
}

function textOf(result: CallToolResult): string {
  const texts = result.content.flatMap((c) => (c.type === 'text' ? [c.text] : []))
  return texts.join('\n').slice(0, 2000) || 'the tool reported an error'
}

function asUpstreamError(error: unknown): AirlockError {
  if (AirlockError.isInstance(error)) return error
  return unavailable(`it did not answer: ${error instanceof Error ? error.message : String(error)}`)
}

function unavailable(message: string): AirlockError {
  return new AirlockError(
    ErrorCode.UPSTREAM_UNAVAILABLE,
    `The upstream MCP server is unavailable: ${message}`,
  )
}
