/**
 * `createHttpApp()`: the REST API over a pipeline, as a fetch-standard Hono
 * app that mounts in `node:http`, Express, Next.js route handlers, Bun, Deno
 * or a worker.
 *
 * Every request walks: log and client address → public routes (health,
 * ready, openapi.json) → authentication (401 before anything else can be
 * learnt) → the API routes → problem+json for anything that goes wrong.
 *
 * @module
 */
import { Hono } from 'hono'
import type { Airlock } from '../airlock.js'
import { DEFAULT_APPROVER_ROLES } from '../approvals/approval-service.js'
import type { PolicyReloader } from '../config/reload-policy.js'
import { AirlockError } from '../errors/airlock-error.js'
import { ErrorCode } from '../errors/error-codes.js'
import type { AuthBackend } from '../identity/auth/auth-backend.js'
import type { AirlockMetrics } from '../metrics/airlock-metrics.js'
import type { RequestTracing } from '../tracing/otel-tracing.js'
import { apiRoutes } from './api-routes.js'
import type { AuthThrottleOptions } from './auth-throttle.js'
import type { TrustProxy } from './client-address.js'
import { errorHandler, notFoundHandler } from './error-handlers.js'
import type { HttpLogger } from './http-logger.js'
import { registerRoute } from './register-route.js'
import { authenticate, requestLog } from './request-middleware.js'
import type { HttpEnv } from './route.js'
import type { RouteDeps } from './routes/route-deps.js'

export type { HttpLogger } from './http-logger.js'

/** Options of {@link createHttpApp}. */
export interface HttpAppOptions {
  /**
   * How callers are identified: one backend, or several tried in order.
   * Required; pass `anonymousAuth()` explicitly to serve without authentication.
   */
  readonly auth: AuthBackend | readonly AuthBackend[]
  /** Where the API is mounted, e.g. `/airlock`. Default `/`. */
  readonly base_path?: string
  /** Largest request body in bytes. Default 1 MiB. */
  readonly body_limit?: number
  /** Largest `limit` a list accepts. Default 200, at most 1000. */
  readonly max_page_size?: number
  /** Request and error log; without it nothing is logged. */
  readonly logger?: HttpLogger
  /**
   * Failed-authentication throttling: repeated 401s from one client address
   * or for one key prefix get 429 with Retry-After. On by default (20
   * failures a minute, then a minute's cooldown, counted in memory); `false`
   * turns it off.
   */
  readonly auth_throttle?: AuthThrottleOptions | false
  /** Whether to believe `X-Forwarded-For` (see {@link TrustProxy}). Default false. */
  readonly trust_proxy?: TrustProxy
  /**
   * Apps that authenticate their own callers, mounted before the
   * authentication middleware (under `base_path`): e.g. the Slack
   * interactions endpoint, which verifies Slack's signature instead.
   */
  readonly mount?: readonly { readonly path: string; readonly app: Hono }[]
  /**
   * Apps served behind the authentication middleware (under `base_path`):
   * each request reaches them with `c.var.principal` set, e.g. the MCP
   * endpoint at `/mcp`.
   */
  readonly authenticated_mount?: readonly { readonly path: string; readonly app: Hono<HttpEnv> }[]
  /** Roles that may reload policy, read the shadow report and freeze or unfreeze. Default `['admin']`. */
  readonly admin_roles?: readonly string[]
  /** Reloads the policy set from its files, for `POST /policy/reload`; without it that route is absent. */
  readonly reload?: PolicyReloader
  /**
   * Roles that read the tenant's whole audit log and every approval, and may
   * verify the chain. Default `['auditor']`. Callers without one read only
   * their own events and requests.
   */
  readonly auditor_roles?: readonly string[]
  /**
   * Roles that see the pending approvals of actions naming no approver roles
   * (keep equal to `approvals.approver_roles`). Default `['approver']`.
   */
  readonly approver_roles?: readonly string[]
  /** Least time between two fresh scans of `GET /audit/verify?fresh=true`. Default 60 s. */
  readonly verify_interval_ms?: number
  /** Told about every answered request and error code (see `prometheusMetrics`). */
  readonly metrics?: Pick<AirlockMetrics, 'request' | 'error'>
  /** A server span per request, continuing its W3C trace context (`openTelemetryTracing().requests`). */
  readonly tracing?: RequestTracing
}

/** The app `createHttpApp` returns. */
export type HttpApp = Hono<HttpEnv>

const STORE_MAX_PAGE = 1000

function configError(message: string): AirlockError {
  return new AirlockError(ErrorCode.CONFIG_INVALID, `createHttpApp: ${message}`)
}

function normaliseBasePath(value: string | undefined): string {
  const path = value ?? '/'
  if (typeof path !== 'string' || !/^\/[A-Za-z0-9._~\-/]*$/.test(path) || path.includes('//')) {
    throw configError(`base_path must be an absolute path such as /airlock, got ${JSON.stringify(value)}`)
  }
  return path.replace(/\/+$/, '')
}

function positiveInteger(
  value: number | undefined,
  fallback: number,
  field: string,
  max = Number.MAX_SAFE_INTEGER,
): number {
  const n = value ?? fallback
  if (!Number.isSafeInteger(n) || n < 1 || n > max)
    throw configError(`${field} must be an integer from 1 to ${max}`)
  return n
}

function authBackends(options: HttpAppOptions): readonly AuthBackend[] {
  if (options === undefined || options.auth === undefined) {
    throw configError(
      'options.auth is required; pass anonymousAuth() explicitly to serve without authentication',
    )
  }
  const backends: readonly AuthBackend[] = Array.isArray(options.auth)
    ? (options.auth as readonly AuthBackend[])
    : [options.auth as AuthBackend]
  if (backends.length === 0 || !backends.every((b) => b !== null && typeof b?.authenticate === 'function')) {
    throw configError('options.auth must be an auth backend or a non-empty list of them')
  }
  return backends
}

/**
 * Builds the REST API over `airlock`.
 *
 * @remarks Every response is JSON; every error is `application/problem+json`
 * (RFC 9457) with a stable `code`, including unknown routes, wrong methods,
 * malformed input and failures of the server itself, whose details stay in
 * the log. Lists, approvals, audit events and idempotency keys are scoped to
 * the caller's tenant, so another tenant's approval id is a 404.
 *
 * @throws AirlockError `CONFIG_INVALID` when `auth` is missing or an option is out of range.
 *
 * @example
 * ```ts
 * const app = createHttpApp(airlock, { auth: apiKeyAuth({ keys }), base_path: '/airlock' })
 * serve({ fetch: app.fetch, port: 8080 })
 * ```
 */
export function createHttpApp(airlock: Airlock, options: HttpAppOptions): HttpApp {
  const backends = authBackends(options)
  const base_path = normaliseBasePath(options.base_path)
  const bodyLimit = positiveInteger(options.body_limit, 1024 * 1024, 'body_limit')
  const max_page_size = positiveInteger(options.max_page_size, 200, 'max_page_size', STORE_MAX_PAGE)
  const trust = options.trust_proxy ?? false
  if (typeof trust !== 'boolean' && !(Number.isInteger(trust) && trust >= 0)) {
    throw configError('trust_proxy must be a boolean or a non-negative integer')
  }
  const { logger, metrics, tracing } = options
  const deps: RouteDeps = {
    airlock,
    max_page_size,
    base_path,
    admin_roles: options.admin_roles ?? ['admin'],
    reload: options.reload,
    read: {
      auditor_roles: options.auditor_roles ?? ['auditor'],
      approver_roles: options.approver_roles ?? DEFAULT_APPROVER_ROLES,
    },
    verify_interval_ms: options.verify_interval_ms ?? 60_000,
  }
  const routes = apiRoutes(deps, backends)
  const app: HttpApp = base_path === '' ? new Hono<HttpEnv>() : new Hono<HttpEnv>().basePath(base_path)

  app.use('*', requestLog({ trust, logger, metrics, tracing }))
  for (const route of routes.public) registerRoute(app, route, bodyLimit)
  const mountAt = (path: string, mounted: Hono<HttpEnv> | Hono) => {
    if (!/^\/[A-Za-z0-9._~\-/]+$/.test(path))
      throw configError(`mount path must be an absolute path, got ${JSON.stringify(path)}`)
    app.route(path, mounted as Hono<HttpEnv>)
  }
  for (const { path, app: mounted } of options.mount ?? []) mountAt(path, mounted)

  // Authentication runs before routing can reveal whether an action or approval exists.
  app.use(
    '*',
    authenticate({
      backends,
      auth_throttle: options.auth_throttle,
      logger,
      onFailure: (attempt) => airlock.audit.failedAuthentication(attempt),
    }),
  )
  for (const route of routes.private) registerRoute(app, route, bodyLimit)
  for (const { path, app: mounted } of options.authenticated_mount ?? []) mountAt(path, mounted)

  app.notFound(notFoundHandler(routes.all, base_path))
  app.onError(errorHandler(logger, metrics))
  return app
}
