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
import { z } from 'zod'
import type { Airlock } from '../airlock.js'
import { DEFAULT_APPROVER_ROLES } from '../approvals/approval-service.js'
import type { PolicyReloader } from '../config/reload-policy.js'
import { AirlockError } from '../errors/airlock-error.js'
import { ErrorCode } from '../errors/error-codes.js'
import type { AuthBackend } from '../identity/auth/auth-backend.js'
import { authenticateRequest } from '../identity/auth/authenticate-request.js'
import type { Principal } from '../identity/principal.js'
import type { AirlockMetrics } from '../metrics/airlock-metrics.js'
import type { RequestTracing } from '../tracing/otel-tracing.js'
import { type AuthThrottleOptions, authThrottle, credentialPrefix } from './auth-throttle.js'
import { clientAddress, type TrustProxy } from './client-address.js'
import { buildOpenApiDocument } from './openapi-document.js'
import { HttpProblemError, problem, problemFromError, problemResponse } from './problem.js'
import { readJsonBody } from './read-json-body.js'
import { type RequestPart, requestIssues } from './request-issues.js'
import { type HttpEnv, honoPath, type Route } from './route.js'
import { actionRoutes } from './routes/action-routes.js'
import { approvalRoutes } from './routes/approval-routes.js'
import { auditRoutes } from './routes/audit-routes.js'
import { checkRoutes } from './routes/check-routes.js'
import { evidenceRoutes } from './routes/evidence-routes.js'
import { freezeRoutes } from './routes/freeze-routes.js'
import { healthRoutes } from './routes/health-routes.js'
import { policyRoutes } from './routes/policy-routes.js'
import { rollbackRoutes } from './routes/rollback-routes.js'
import type { RouteDeps } from './routes/route-deps.js'

/** The slice of a pino-style logger the app uses. */
export interface HttpLogger {
  info(object: Record<string, unknown>, message?: string): void
  warn(object: Record<string, unknown>, message?: string): void
  error(object: Record<string, unknown>, message?: string): void
}

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

const MAX_JSON_DEPTH = 64
// Authenticated routes refuse query parameters they do not know, so a mistyped filter is an error, not ignored.
const emptyQuery = z.strictObject({})
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

function parsePart<S extends z.ZodType>(part: RequestPart, schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value, { reportInput: true })
  if (result.success) return result.data
  const issues = requestIssues(part, result.error.issues)
  const shown = issues.slice(0, 5).map((i) => i.message)
  const more = issues.length > shown.length ? ` (and ${issues.length - shown.length} more)` : ''
  throw new HttpProblemError('BAD_REQUEST', `Invalid request ${part}: ${shown.join('; ')}${more}`, { issues })
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

function singleValuedQuery(url: string): Record<string, string> {
  // No prototype: `?__proto__=x` must arrive as an (unknown, refused) parameter, not vanish.
  const query: Record<string, string> = Object.create(null)
  const start = url.indexOf('?')
  if (start === -1) return query
  for (const [key, value] of new URLSearchParams(url.slice(start + 1))) {
    if (Object.hasOwn(query, key))
      throw new HttpProblemError('BAD_REQUEST', `Query parameter '${key}' is given more than once`)
    query[key] = value
  }
  return query
}

function pickHeaders(request: Request, schema: z.ZodObject): Record<string, string> {
  const out: Record<string, string> = {}
  for (const name of Object.keys(schema.shape)) {
    const value = request.headers.get(name)
    if (value !== null) out[name] = value
  }
  return out
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
  const base_path = normaliseBasePath(options.base_path)
  const bodyLimit = positiveInteger(options.body_limit, 1024 * 1024, 'body_limit')
  const max_page_size = positiveInteger(options.max_page_size, 200, 'max_page_size', STORE_MAX_PAGE)
  const trust = options.trust_proxy ?? false
  if (typeof trust !== 'boolean' && !(Number.isInteger(trust) && trust >= 0)) {
    throw configError('trust_proxy must be a boolean or a non-negative integer')
  }
  const logger = options.logger
  const metrics = options.metrics
  const tracing = options.tracing

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
  // Served before authentication (health, readiness, the JWKS). Anything registered on the returned
  // app afterwards sits behind the authentication middleware; use `mount` for self-authenticating apps.
  const publicRoutes = [...healthRoutes(deps)]
  const privateRoutes = [
    ...actionRoutes(deps),
    ...checkRoutes(deps),
    ...approvalRoutes(deps),
    ...auditRoutes(deps),
    ...evidenceRoutes(deps),
    ...policyRoutes(deps),
    // After auditRoutes: `/audit/verify` is matched before `/audit/{id}`.
    ...rollbackRoutes(deps),
    ...freezeRoutes(deps),
  ]
  const openapiRoute: Route = {
    method: 'GET',
    path: '/openapi.json',
    operation_id: 'openapi',
    summary: 'This document',
    tag: 'health',
    public: true,
    responses: [{ status: 200, description: 'The OpenAPI 3.1 document' }],
    handle: (c) => c.json(document),
  }
  const allRoutes = [...publicRoutes, openapiRoute, ...privateRoutes]
  const document = buildOpenApiDocument(allRoutes, {
    base_path,
    api_key_header: backends.some((b) => b.name === 'api_key') ? 'X-API-Key' : null,
  })

  const app: HttpApp = base_path === '' ? new Hono<HttpEnv>() : new Hono<HttpEnv>().basePath(base_path)

  app.use('*', async (c, next) => {
    const started = performance.now()
    c.set('client_address', clientAddress(c.req.raw, c.env, trust))
    if (tracing) await tracing(c.req.raw, () => ({ route: c.req.routePath, status: c.res.status }), next)
    else await next()
    metrics?.request(c.req.routePath, c.req.method, c.res.status, (performance.now() - started) / 1000)
    if (logger) {
      const principal = c.var.principal as Principal | undefined
      const entry = {
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        ms: Math.round((performance.now() - started) * 100) / 100,
        actor: principal?.actor_id ?? null,
        tenant: principal?.tenant_id ?? null,
        client: c.var.client_address,
      }
      if (c.res.status >= 500) logger.warn(entry, 'request failed')
      else logger.info(entry, 'request')
    }
  })

  const register = (route: Route) => {
    const queryless = route.public === true && route.query === undefined
    const bodyOptional = route.body_required === false
    app.on(route.method, honoPath(route.path), async (c) => {
      const request = c.req.raw
      const params = route.params ? parsePart('path', route.params, c.req.param()) : {}
      const query = queryless
        ? {}
        : parsePart('query', route.query ?? emptyQuery, singleValuedQuery(request.url))
      const headers = route.headers
        ? parsePart('header', route.headers, pickHeaders(request, route.headers))
        : {}
      const body =
        route.body === undefined
          ? undefined
          : parsePart(
              'body',
              route.body,
              await readJsonBody(
                request,
                { limit: bodyLimit, optional: bodyOptional, max_depth: MAX_JSON_DEPTH },
                c.env,
              ),
            )
      return route.handle(c, { params, query, headers, body })
    })
  }

  for (const route of [...publicRoutes, openapiRoute]) register(route)
  const mountAt = (path: string, mounted: Hono<HttpEnv> | Hono) => {
    if (!/^\/[A-Za-z0-9._~\-/]+$/.test(path))
      throw configError(`mount path must be an absolute path, got ${JSON.stringify(path)}`)
    app.route(path, mounted as Hono<HttpEnv>)
  }
  for (const { path, app: mounted } of options.mount ?? []) mountAt(path, mounted)

  // Authentication runs before routing can reveal whether an action or approval exists.
  const throttleOptions = options.auth_throttle === false ? null : (options.auth_throttle ?? {})
  // One log line per throttled client or key, as a summary, never one per failed attempt.
  const throttle =
    throttleOptions === null
      ? null
      : authThrottle({
          ...throttleOptions,
          ...(throttleOptions.onThrottle || !logger
            ? {}
            : { onThrottle: (event) => logger.warn(event, 'failed authentication throttled') }),
        })
  const apiKeyHeader = backends.some((b) => b.name === 'api_key') ? 'x-api-key' : null
  app.use('*', async (c, next) => {
    const subject = {
      address: c.var.client_address ?? null,
      key_prefix: credentialPrefix(c.req.raw, apiKeyHeader),
    }
    await throttle?.check(subject)
    try {
      c.set('principal', await authenticateRequest(backends, c.req.raw))
    } catch (error) {
      if (throttle && AirlockError.isInstance(error) && error.code === 'UNAUTHENTICATED')
        await throttle.fail(subject)
      throw error
    }
    await next()
  })

  for (const route of privateRoutes) register(route)
  for (const { path, app: mounted } of options.authenticated_mount ?? []) mountAt(path, mounted)

  const known = allRoutes.map((r) => ({
    method: r.method,
    pattern: new RegExp(`^${escapeRegExp(base_path + r.path).replace(/\\\{[^}]+\\\}/g, '[^/]+')}$`),
  }))

  app.notFound((c) => {
    const allowed = known.filter((r) => r.pattern.test(c.req.path)).map((r) => r.method)
    if (allowed.length > 0) {
      const allow = [...new Set(allowed.flatMap((m) => (m === 'GET' ? ['GET', 'HEAD'] : [m])))].join(', ')
      return problemResponse(
        problem('METHOD_NOT_ALLOWED', `${c.req.method} is not allowed here; use ${allow}`),
        {
          allow,
        },
      )
    }
    return problemResponse(problem('ROUTE_NOT_FOUND', `No route for ${c.req.method} ${c.req.path}`))
  })

  app.onError((error, c) => {
    const { body, headers } = problemFromError(error)
    metrics?.error(body.code)
    // A dependency outage is logged once by its circuit, not once per refused request.
    const outage = body.code === 'STORE_UNAVAILABLE' || body.code === 'LIMITS_UNAVAILABLE'
    if (body.status >= 500 && logger && !outage) {
      logger.error(
        { err: error, method: c.req.method, path: c.req.path, code: body.code },
        error instanceof Error ? error.message : 'unexpected error',
      )
    }
    return problemResponse(body, headers)
  })

  return app
}
