/**
 * `mcpHttpApp()`: Airlock's MCP server over Streamable HTTP, as a Hono app
 * to mount behind the gateway's authentication (at `/mcp`).
 *
 * @module
 */
import { randomUUID } from 'node:crypto'
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js'
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js'
import { Hono } from 'hono'
import type { Airlock } from '../airlock.js'
import type { HttpEnv } from '../http/route.js'
import type { Principal } from '../identity/principal.js'
import { createMcpServer, type McpServerOptions } from './create-mcp-server.js'

/** Options of {@link mcpHttpApp}. */
export interface McpHttpOptions extends Omit<McpServerOptions, 'principal'> {
  /** Most sessions kept at once; the least recently used is closed past it. Default 1000. */
  readonly max_sessions?: number
  /** A session unused this long is closed. Default 30 min. */
  readonly idle_ms?: number
  /** Largest JSON-RPC body in bytes. Default 1 MiB. */
  readonly body_limit?: number
}

interface Session {
  readonly transport: WebStandardStreamableHTTPServerTransport
  readonly owner: string
  last_seen: number
}

function rpcError(status: number, code: number, message: string): Response {
  return Response.json({ jsonrpc: '2.0', error: { code, message }, id: null }, { status })
}

/** Sessions belong to the principal that opened them: another credential cannot ride one. */
function ownerOf(principal: Principal): string {
  return JSON.stringify([principal.tenant_id, principal.actor_id])
}

async function readBody(request: Request, limit: number): Promise<unknown | Response> {
  const declared = Number(request.headers.get('content-length') ?? '0')
  if (declared > limit) return rpcError(413, -32600, `Body larger than ${limit} bytes`)
  const bytes = await request.arrayBuffer()
  if (bytes.byteLength > limit) return rpcError(413, -32600, `Body larger than ${limit} bytes`)
  try {
    return JSON.parse(new TextDecoder().decode(bytes)) as unknown
  } catch {
    return rpcError(400, -32700, 'Parse error: the body is not JSON')
  }
}

/**
 * A Hono app serving MCP at its root, one session per `initialize`, each
 * bound to the authenticated principal (`c.get('principal')`).
 *
 * @remarks Mount it where the gateway authenticates (`HttpAppOptions.authenticated_mount`):
 * it trusts `c.get('principal')` and serves nobody without one.
 */
export function mcpHttpApp(airlock: Airlock, options: McpHttpOptions = {}): Hono<HttpEnv> {
  const sessions = new Map<string, Session>()
  const maxSessions = options.max_sessions ?? 1000
  const idleMs = options.idle_ms ?? 30 * 60_000
  const bodyLimit = options.body_limit ?? 1024 * 1024

  const evict = () => {
    const now = Date.now()
    for (const [id, session] of sessions) {
      if (now - session.last_seen > idleMs || sessions.size >= maxSessions) {
        sessions.delete(id)
        void session.transport.close().catch(() => undefined)
      }
    }
  }

  const open = async (principal: Principal, request: Request, body: unknown): Promise<Response> => {
    evict()
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        sessions.set(id, { transport, owner: ownerOf(principal), last_seen: Date.now() })
      },
      onsessionclosed: (id) => {
        sessions.delete(id)
      },
    })
    transport.onclose = () => {
      if (transport.sessionId) sessions.delete(transport.sessionId)
    }
    const { max_sessions: _m, idle_ms: _i, body_limit: _b, ...serverOptions } = options
    const server = createMcpServer(airlock, { ...serverOptions, principal })
    await server.connect(transport)
    return transport.handleRequest(request, { parsedBody: body })
  }

  const app = new Hono<HttpEnv>()
  app.all('/', async (c) => {
    const principal = c.get('principal') as Principal | undefined
    if (!principal) return rpcError(401, -32001, 'Authentication required')
    const request = c.req.raw
    const sessionId = request.headers.get('mcp-session-id')
    let body: unknown
    if (request.method === 'POST') {
      body = await readBody(request, bodyLimit)
      if (body instanceof Response) return body
    }
    if (sessionId === null) {
      if (request.method === 'POST' && isInitializeRequest(body)) return open(principal, request, body)
      return rpcError(400, -32000, 'No MCP session: send initialize first (without an Mcp-Session-Id header)')
    }
    const session = sessions.get(sessionId)
    // Someone else's session id reads as unknown: it must not reveal that the session exists.
    if (!session || session.owner !== ownerOf(principal)) return rpcError(404, -32001, 'Session not found')
    session.last_seen = Date.now()
    return session.transport.handleRequest(request, body === undefined ? {} : { parsedBody: body })
  })
  return app
}
