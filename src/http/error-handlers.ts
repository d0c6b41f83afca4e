/**
 * The app's answers when no route matches (404, or 405 with `Allow`) and
 * when anything throws (problem+json; server failures logged, not shown).
 * Every problem body carries the request's `request_id`, as the
 * `X-Request-Id` response header does.
 *
 * @module
 */
import type { ErrorHandler, NotFoundHandler } from 'hono'
import type { AirlockMetrics } from '../metrics/airlock-metrics.js'
import type { HttpLogger } from './http-logger.js'
import { problem, problemFromError, problemResponse } from './problem.js'
import type { HttpEnv, Route } from './route.js'

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/** 405 with `Allow` when the path belongs to a route of `routes` under another method, else 404. */
export function notFoundHandler(routes: readonly Route[], base_path: string): NotFoundHandler<HttpEnv> {
  const known = routes.map((r) => ({
    method: r.method,
    pattern: new RegExp(`^${escapeRegExp(base_path + r.path).replace(/\\\{[^}]+\\\}/g, '[^/]+')}$`),
  }))
  return (c) => {
    const allowed = known.filter((r) => r.pattern.test(c.req.path)).map((r) => r.method)
    if (allowed.length > 0) {
      const allow = [...new Set(allowed.flatMap((m) => (m === 'GET' ? ['GET', 'HEAD'] : [m])))].join(', ')
      return problemResponse(
        problem('METHOD_NOT_ALLOWED', `${c.req.method} is not allowed here; use ${allow}`, {
          request_id: c.get('request_id'),
        }),
        { allow },
      )
    }
    return problemResponse(
      problem('ROUTE_NOT_FOUND', `No route for ${c.req.method} ${c.req.path}`, {
        request_id: c.get('request_id'),
      }),
    )
  }
}

/** Turns any thrown value into problem+json, counting its code and logging server failures. */
export function errorHandler(
  logger: HttpLogger | undefined,
  metrics: Pick<AirlockMetrics, 'error'> | undefined,
): ErrorHandler<HttpEnv> {
  return (error, c) => {
    const { body, headers } = problemFromError(error, c.get('request_id'))
    metrics?.error(body.code)
    // A dependency outage is logged once by its circuit, not once per refused request.
    const outage = body.code === 'STORE_UNAVAILABLE' || body.code === 'LIMITS_UNAVAILABLE'
    const log = c.get('logger') ?? logger
    if (body.status >= 500 && log && !outage) {
      log.error(
        { err: error, method: c.req.method, path: c.req.path, code: body.code },
        error instanceof Error ? error.message : 'unexpected error',
      )
    }
    return problemResponse(body, headers)
  }
}
