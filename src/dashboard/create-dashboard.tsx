/**
 * `createDashboard()`: the approval inbox, audit explorer, overview, actions
 * and policies as server-rendered pages on a Hono app, mounted by the
 * gateway at `/ui`.
 *
 * Every request walks: security headers → static assets → sign-in →
 * session (a cookie naming a server-side session) → CSRF check on every
 * POST → the pages. Decisions go through `airlock.approvals`, the same
 * service as the HTTP API, so the same refusals apply.
 *
 * @module
 */
import { Hono } from 'hono'
import { getCookie } from 'hono/cookie'
import type { Airlock } from '../airlock.js'
import { AirlockError } from '../errors/airlock-error.js'
import { ErrorCode } from '../errors/error-codes.js'
import type { AuthBackend } from '../identity/auth/auth-backend.js'
import { secretEqual } from '../internal/secret-equal.js'
import { PolicyEngine } from '../policy/policy-engine.js'
import { dashboardAssets } from './assets.js'
import { ChainStatus } from './chain-status.js'
import type { DashboardContext, DashboardEnv } from './dashboard-context.js'
import type { DashboardOptions } from './dashboard-options.js'
import { renderPage } from './render-page.js'
import { auditRoutes } from './routes/audit-routes.js'
import { authRoutes, SESSION_COOKIE, signOutRoute } from './routes/auth-routes.js'
import { catalogueRoutes } from './routes/catalogue-routes.js'
import { inboxRoutes } from './routes/inbox-routes.js'
import { overviewRoutes } from './routes/overview-routes.js'
import { SessionStore } from './session-store.js'
import { Layout, Refusal } from './views/layout.js'

/** The dashboard app `createDashboard` returns; mount it with `HttpAppOptions.mount`. */
export type DashboardApp = Hono<DashboardEnv>

// No inline script or style anywhere: everything comes from the package's own two files.
const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ')

function configError(message: string): AirlockError {
  return new AirlockError(ErrorCode.CONFIG_INVALID, `createDashboard: ${message}`)
}

function context(airlock: Airlock, options: DashboardOptions): DashboardContext {
  const backends = (Array.isArray(options.auth) ? options.auth : [options.auth]) as readonly AuthBackend[]
  if (backends.length === 0 || !backends.every((b) => typeof b?.authenticate === 'function')) {
    throw configError('options.auth must be an auth backend or a non-empty list of them')
  }
  if (typeof options.path !== 'string' || !/^\/[A-Za-z0-9._~\-/]*$/.test(options.path)) {
    throw configError(`path must be an absolute path such as /ui, got ${JSON.stringify(options.path)}`)
  }
  return {
    airlock,
    backends,
    base: options.path.replace(/\/+$/, ''),
    sessions: new SessionStore({
      ttl_ms: options.session_ttl_ms ?? 8 * 3_600_000,
      idle_ms: options.session_idle_ms ?? 30 * 60_000,
    }),
    chain: new ChainStatus(airlock, options.verify_interval_ms ?? 30_000),
    engine: new PolicyEngine(options.rules ?? [], { default_decision: options.default_decision }),
    targets: options.targets,
    approver_roles: options.approver_roles ?? ['approver'],
    auditor_roles: options.auditor_roles ?? ['auditor'],
    secure_cookies: options.secure_cookies,
    poll_interval_ms: options.poll_interval_ms ?? 1000,
    demo: options.demo ?? false,
  }
}

/** Refuses a POST whose Origin is another site, or whose token does not match the session's. */
async function csrfRefusal(request: Request, expected: string): Promise<string | null> {
  // Compared by host, so a proxy that terminates TLS (browser on https, app on http) still passes.
  const origin = request.headers.get('origin')
  const host = request.headers.get('host') ?? new URL(request.url).host
  if (origin !== null && (!URL.canParse(origin) || new URL(origin).host !== host)) {
    return 'the form came from another site'
  }
  let given = request.headers.get('x-csrf-token')
  if (given === null) {
    const type = request.headers.get('content-type') ?? ''
    if (type.startsWith('application/x-www-form-urlencoded') || type.startsWith('multipart/form-data')) {
      const form = await request.clone().formData()
      const value = form.get('csrf')
      given = typeof value === 'string' ? value : null
    }
  }
  if (given === null || given === '') return 'the CSRF token is missing'
  return secretEqual(given, expected) ? null : 'the CSRF token is wrong'
}

/**
 * Builds the dashboard over `airlock`.
 *
 * @remarks Pages are rendered on the server with every value escaped; the
 * one script adds live updates, shortcuts and confirmations and is not
 * needed to approve or reject. Responses carry a strict Content-Security-Policy.
 *
 * @throws AirlockError `CONFIG_INVALID` when `auth` or `path` is unusable.
 */
export function createDashboard(airlock: Airlock, options: DashboardOptions): DashboardApp {
  const ctx = context(airlock, options)
  const app = new Hono<DashboardEnv>()

  app.use('*', async (c, next) => {
    await next()
    c.header('content-security-policy', CSP)
    c.header('x-content-type-options', 'nosniff')
    // same-origin, not no-referrer: with no-referrer browsers send `Origin: null` on form posts.
    c.header('referrer-policy', 'same-origin')
    c.header('x-frame-options', 'DENY')
    if (!c.res.headers.has('cache-control')) c.header('cache-control', 'no-store')
  })

  app.get('/assets/:name', (c) => {
    const asset = dashboardAssets()[c.req.param('name')]
    if (!asset) return c.text('Not found', 404)
    if (c.req.header('if-none-match') === asset.etag) return c.body(null, 304)
    c.header('etag', asset.etag)
    c.header('cache-control', 'no-cache')
    return c.body(asset.body, 200, { 'content-type': asset.type })
  })

  authRoutes(ctx, app)

  app.use('*', async (c, next) => {
    const session = ctx.sessions.get(getCookie(c, SESSION_COOKIE))
    if (!session) {
      if (c.req.method === 'GET' && !c.req.path.endsWith('/events')) {
        const next = encodeURIComponent(c.req.path + new URL(c.req.url).search)
        return c.redirect(`${ctx.base}/sign-in?next=${next}`, 303)
      }
      return c.text('Sign in first: the session is missing or has expired', 401)
    }
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') {
      const refusal = await csrfRefusal(c.req.raw, session.csrf)
      if (refusal) {
        return renderPage(
          c,
          <Layout base={ctx.base} title="Refused" page="error" session={session} demo={ctx.demo}>
            <Refusal
              title="Refused"
              message={`Nothing was changed: ${refusal}. Reload the page and try again.`}
            />
          </Layout>,
          403,
        )
      }
    }
    c.set('session', session)
    await next()
    return undefined
  })

  signOutRoute(ctx, app)
  app.get('/', (c) => c.redirect(`${ctx.base}/overview`, 303))
  overviewRoutes(ctx, app)
  inboxRoutes(ctx, app)
  auditRoutes(ctx, app)
  catalogueRoutes(ctx, app)
  return app
}
