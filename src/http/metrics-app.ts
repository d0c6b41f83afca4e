/**
 * `GET /metrics`: the Prometheus exposition, for a scraper holding the
 * configured bearer token or an authenticated caller with a metrics role.
 *
 * @module
 */
import { Hono } from 'hono'
import type { AuthBackend } from '../identity/auth/auth-backend.js'
import { authenticateRequest } from '../identity/auth/authenticate-request.js'
import { secretEqual } from '../internal/secret-equal.js'
import { problem, problemResponse } from './problem.js'

/** Options of {@link metricsApp}. */
export interface MetricsAppOptions {
  readonly render: () => Promise<{ readonly body: string; readonly content_type: string }>
  /** The scrapers' bearer token; null for none. */
  readonly token: string | null
  /** Roles that may scrape with their usual credentials. */
  readonly roles: readonly string[]
  readonly auth: readonly AuthBackend[]
}

async function allowed(request: Request, options: MetricsAppOptions): Promise<boolean> {
  const bearer = /^Bearer (\S+)$/i.exec(request.headers.get('authorization') ?? '')?.[1]
  if (options.token !== null && bearer !== undefined && secretEqual(bearer, options.token)) return true
  if (options.roles.length === 0) return false
  const principal = await authenticateRequest(options.auth, request).catch(() => null)
  return principal?.roles.some((role) => options.roles.includes(role)) ?? false
}

/** The app to mount at `/metrics` (before the API's authentication: it checks its own). */
export function metricsApp(options: MetricsAppOptions): Hono {
  const app = new Hono()
  app.get('/', async (c) => {
    if (!(await allowed(c.req.raw, options))) {
      return problemResponse(problem('UNAUTHENTICATED', 'metrics need the scrape token or a metrics role'))
    }
    const { body, content_type } = await options.render()
    return c.body(body, 200, { 'content-type': content_type, 'cache-control': 'no-store' })
  })
  return app
}
