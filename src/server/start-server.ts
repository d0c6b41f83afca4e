/**
 * `startServer()`: the HTTP API on a real port, with an approval expiry
 * sweep and a graceful shutdown.
 *
 * @module
 */

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { getRequestListener } from '@hono/node-server'
import type { Airlock } from '../airlock.js'
import type { AuthThrottleOptions } from '../http/auth-throttle.js'
import { createHttpApp, type HttpAppOptions, type HttpLogger } from '../http/create-http-app.js'
import type { AuthBackend } from '../identity/auth/auth-backend.js'
import { answerClientError } from './client-error-response.js'

/** A pino-style logger: what the server and the HTTP app write to. */
export interface ServerLogger extends HttpLogger {
  debug(object: Record<string, unknown>, message?: string): void
}

/** Options of {@link startServer}. */
export interface StartServerOptions {
  readonly airlock: Airlock
  /** Tried in order. */
  readonly auth: AuthBackend | readonly AuthBackend[]
  /** Failed-authentication throttling (see `createHttpApp`). */
  readonly auth_throttle?: AuthThrottleOptions | false
  readonly host: string
  /** 0 picks a free port; {@link RunningServer.port} says which. */
  readonly port: number
  readonly base_path?: string
  readonly body_limit?: number
  /** Self-authenticating apps served beside the API (see `HttpAppOptions.mount`). */
  readonly mount?: HttpAppOptions['mount']
  /** Apps served behind authentication (see `HttpAppOptions.authenticated_mount`), e.g. MCP at `/mcp`. */
  readonly authenticated_mount?: HttpAppOptions['authenticated_mount']
  /** Roles that may reload policy and freeze (see `HttpAppOptions.admin_roles`). */
  readonly admin_roles?: HttpAppOptions['admin_roles']
  /** Serves `POST /policy/reload` (see `HttpAppOptions.reload`). */
  readonly reload?: HttpAppOptions['reload']
  /** See {@link HttpAppOptions.auditor_roles}. */
  readonly auditor_roles?: readonly string[]
  /** See {@link HttpAppOptions.approver_roles}. */
  readonly approver_roles?: readonly string[]
  readonly logger: ServerLogger
  /** Told about every answered request (see `HttpAppOptions.metrics`). */
  readonly metrics?: HttpAppOptions['metrics']
  /** A span per request (see `HttpAppOptions.tracing`). */
  readonly tracing?: HttpAppOptions['tracing']
  /** How often overdue approvals are expired. Default 30 s. */
  readonly sweep_interval_ms?: number
  /** How long in-flight requests may take to finish once shutdown starts. Default 10 s. */
  readonly shutdown_timeout_ms?: number
}

/** Options of {@link RunningServer.close}. */
export interface CloseOptions {
  /** Drop open connections now instead of letting in-flight requests finish. */
  readonly force?: boolean
}

/** A listening server. */
export interface RunningServer {
  /** `http://host:port`, with the port actually bound. */
  readonly url: string
  readonly host: string
  readonly port: number
  /**
   * Stops accepting connections, lets in-flight requests finish (up to the
   * shutdown timeout, then drops them), stops the expiry sweep, flushes the
   * audit writer and closes the store. Safe to call more than once; a second
   * call with `force` cuts the wait short.
   */
  close(options?: CloseOptions): Promise<void>
  /** Settles when a close has finished. */
  readonly closed: Promise<void>
}

function formatUrl(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`
}

function listen(server: Server, host: string, port: number): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error)
    server.once('error', onError)
    server.listen(port, host, () => {
      server.off('error', onError)
      resolve(server.address() as AddressInfo)
    })
  })
}

/**
 * Serves `createHttpApp(airlock, ...)` on `host:port` until closed.
 *
 * @remarks The store should already be migrated. Every request is logged by
 * the app (method, path, status, ms, actor; never headers or bodies). When
 * listening fails (port taken), the airlock is left open for the caller to
 * close.
 */
export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const { airlock, logger } = options
  const app = createHttpApp(airlock, {
    auth: options.auth,
    ...(options.auth_throttle === undefined ? {} : { auth_throttle: options.auth_throttle }),
    logger,
    ...(options.base_path === undefined ? {} : { base_path: options.base_path }),
    ...(options.body_limit === undefined ? {} : { body_limit: options.body_limit }),
    ...(options.mount === undefined ? {} : { mount: options.mount }),
    ...(options.auditor_roles === undefined ? {} : { auditor_roles: options.auditor_roles }),
    ...(options.approver_roles === undefined ? {} : { approver_roles: options.approver_roles }),
    ...(options.metrics === undefined ? {} : { metrics: options.metrics }),
    ...(options.tracing === undefined ? {} : { tracing: options.tracing }),
    ...(options.authenticated_mount === undefined
      ? {}
      : { authenticated_mount: options.authenticated_mount }),
    ...(options.admin_roles === undefined ? {} : { admin_roles: options.admin_roles }),
    ...(options.reload === undefined ? {} : { reload: options.reload }),
  })
  const listener = getRequestListener(app.fetch)
  let inFlight = 0
  let closing = false
  const server = createServer()
  server.on('clientError', answerClientError)

  const settle = () => {
    // Keep-alive sockets idle after their last response would hold close() open until they time out.
    if (closing && inFlight === 0) server.closeIdleConnections()
  }
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    inFlight++
    if (closing) res.setHeader('connection', 'close')
    res.once('close', () => {
      inFlight--
      settle()
    })
    void listener(req, res)
  })

  const address = await listen(server, options.host, options.port)
  const url = formatUrl(options.host, address.port)

  // Once per change of state, never per failed request: an outage must not flood the log.
  const unsubscribe = airlock.dependencies.map((d) =>
    d.health?.onChange((h) => {
      if (h.state === 'down') logger.error({ dependency: h.name, reason: h.reason }, 'dependency unreachable')
      else logger.info({ dependency: h.name }, 'dependency reachable again')
    }),
  )

  let sweeping: Promise<void> = Promise.resolve()
  const sweep = () => {
    sweeping = airlock
      .sweep()
      .then((swept) => {
        if (swept.expired + swept.idempotency_purged + swept.nonces_purged > 0) logger.info(swept, 'swept')
      })
      .catch((error: unknown) => logger.error({ err: error }, 'sweep failed'))
  }
  const sweepTimer = setInterval(() => {
    // One sweep at a time: a slow store must not pile them up.
    void sweeping.then(sweep)
  }, options.sweep_interval_ms ?? 30_000)
  sweepTimer.unref()
  sweep()

  let resolveClosed!: () => void
  let rejectClosed!: (error: unknown) => void
  const closed = new Promise<void>((resolve, reject) => {
    resolveClosed = resolve
    rejectClosed = reject
  })
  // A failed close is reported by close() itself; `closed` must not also surface as unhandled.
  closed.catch(() => undefined)

  let shutdown: Promise<void> | undefined
  const close = (closeOptions: CloseOptions = {}): Promise<void> => {
    if (closeOptions.force) server.closeAllConnections()
    if (shutdown) return shutdown
    closing = true
    const timeout = options.shutdown_timeout_ms ?? 10_000
    logger.info({ in_flight: inFlight, timeout_ms: timeout }, 'shutting down')
    shutdown = (async () => {
      clearInterval(sweepTimer)
      for (const stop of unsubscribe) stop?.()
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()))
      settle()
      const deadline = setTimeout(() => {
        logger.warn({ in_flight: inFlight }, 'shutdown deadline passed; dropping open connections')
        server.closeAllConnections()
      }, timeout)
      deadline.unref()
      await stopped
      clearTimeout(deadline)
      await sweeping
      await airlock.close()
      logger.info({}, 'stopped')
    })().then(resolveClosed, (error: unknown) => {
      rejectClosed(error)
      throw error
    })
    return shutdown
  }

  return { url, host: options.host, port: address.port, close, closed }
}
