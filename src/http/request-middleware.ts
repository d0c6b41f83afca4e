/**
 * The middleware every request passes: the request log (client address,
 * tracing, metrics, one log line) and authentication with failed-attempt
 * throttling.
 *
 * @module
 */
import type { Context, MiddlewareHandler } from 'hono'
import { AirlockError } from '../errors/airlock-error.js'
import type { AuthBackend } from '../identity/auth/auth-backend.js'
import { authenticateRequest } from '../identity/auth/authenticate-request.js'
import type { Principal } from '../identity/principal.js'
import type { AirlockMetrics } from '../metrics/airlock-metrics.js'
import type { FailedAuthentication } from '../pipeline/pipeline-types.js'
import type { RequestTracing } from '../tracing/otel-tracing.js'
import { type AuthThrottleOptions, authThrottle, credentialPrefix } from './auth-throttle.js'
import { clientAddress, type TrustProxy } from './client-address.js'
import { childLogger, type HttpLogger } from './http-logger.js'
import { HttpProblemError } from './problem.js'
import { REQUEST_ID_HEADER, requestIdOf } from './request-id.js'
import type { HttpEnv } from './route.js'

/** What {@link requestLog} needs. */
export interface RequestLogOptions {
  readonly trust: TrustProxy
  readonly logger: HttpLogger | undefined
  readonly metrics: Pick<AirlockMetrics, 'request' | 'error'> | undefined
  readonly tracing: RequestTracing | undefined
}

/**
 * Gives the request its id (echoed as `X-Request-Id` on every response,
 * errors and 404s included) and a logger bound to it, sets the client
 * address, traces the request, counts it and writes one log line once it is
 * answered.
 */
export function requestLog({
  trust,
  logger,
  metrics,
  tracing,
}: RequestLogOptions): MiddlewareHandler<HttpEnv> {
  return async (c, next) => {
    const started = performance.now()
    const { id, from_client } = requestIdOf(c.req.raw)
    const log = logger ? childLogger(logger, { request_id: id }) : undefined
    c.set('request_id', id)
    c.set('client_request_id', from_client ? id : null)
    c.set('logger', log)
    c.set('client_address', clientAddress(c.req.raw, c.env, trust))
    if (tracing) await tracing(c.req.raw, () => ({ route: c.req.routePath, status: c.res.status }), next)
    else await next()
    echoRequestId(c, id)
    metrics?.request(c.req.routePath, c.req.method, c.res.status, (performance.now() - started) / 1000)
    if (log) {
      const principal = c.get('principal') as Principal | undefined
      const entry = {
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        ms: Math.round((performance.now() - started) * 100) / 100,
        actor: principal?.actor_id ?? null,
        tenant: principal?.tenant_id ?? null,
        client: c.get('client_address'),
      }
      if (c.res.status >= 500) log.warn(entry, 'request failed')
      else log.info(entry, 'request')
    }
  }
}

/**
 * Sets `X-Request-Id` on the finished response in place. `c.header()` after
 * the handler rebuilds the response around its body stream, which costs more
 * than the rest of a small request's answer; only a response whose headers
 * cannot change (one passed through from `fetch`) takes that path.
 */
function echoRequestId(c: Context<HttpEnv>, id: string): void {
  try {
    c.res.headers.set(REQUEST_ID_HEADER, id)
  } catch {
    c.header(REQUEST_ID_HEADER, id)
  }
}

/** What {@link authenticate} needs. */
export interface AuthenticateOptions {
  readonly backends: readonly AuthBackend[]
  readonly auth_throttle: AuthThrottleOptions | false | undefined
  readonly logger: HttpLogger | undefined
  /** Told about every refused attempt (401, or 429 from the throttle), for the audit summary. */
  readonly onFailure: (attempt: FailedAuthentication) => void
}

/**
 * Sets `c.get('principal')` or refuses with 401; repeated failures from one
 * client or for one key prefix get 429 until their cooldown passes. Every
 * refused attempt is reported to `onFailure` (the audit keeps summaries).
 */
export function authenticate({
  backends,
  auth_throttle,
  logger,
  onFailure,
}: AuthenticateOptions): MiddlewareHandler<HttpEnv> {
  const throttle = auth_throttle === false ? null : authThrottle(auth_throttle ?? {})
  // Unless the caller listens itself, one log line per throttled client or key, never one per failed attempt.
  const logThrottled = auth_throttle === undefined || (auth_throttle !== false && !auth_throttle.onThrottle)
  const apiKeyHeader = backends.some((b) => b.name === 'api_key') ? 'x-api-key' : null
  return async (c, next) => {
    const subject = {
      address: c.get('client_address') ?? null,
      key_prefix: credentialPrefix(c.req.raw, apiKeyHeader),
    }
    const attempt = { client_address: subject.address, credential: subject.key_prefix !== null }
    try {
      await throttle?.check(subject)
    } catch (error) {
      // A throttled attempt is a failure too; a limits outage (503) is not the caller's.
      if (error instanceof HttpProblemError && error.body.code === 'RATE_LIMITED') {
        onFailure({ ...attempt, throttled: true })
      }
      throw error
    }
    try {
      c.set('principal', await authenticateRequest(backends, c.req.raw))
    } catch (error) {
      if (AirlockError.isInstance(error) && error.code === 'UNAUTHENTICATED') {
        onFailure({ ...attempt, throttled: false })
        const throttled = (await throttle?.fail(subject)) ?? []
        const log = c.get('logger') ?? logger
        if (logThrottled && log) {
          for (const event of throttled) log.warn({ ...event }, 'failed authentication throttled')
        }
      }
      throw error
    }
    await next()
  }
}
