import type { Context, Hono } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import { decodeJwt } from 'jose'
import { AirlockError } from '../../errors/airlock-error.js'
import { authenticateRequest } from '../../identity/auth/authenticate-request.js'
import type { Principal } from '../../identity/principal.js'
import { secretEqual } from '../../internal/secret-equal.js'
import type { DashboardContext, DashboardEnv } from '../dashboard-context.js'
import { renderPage } from '../render-page.js'
import { Layout } from '../views/layout.js'
import { SignInView } from '../views/sign-in-view.js'

export const SESSION_COOKIE = 'airlock_session'
const PRE_COOKIE = 'airlock_signin'
const MAX_CREDENTIAL = 8192

/** Whether the cookie gets `Secure`: forced by config, else when the request arrived over HTTPS. */
export function secureCookie(ctx: DashboardContext, c: Context): boolean {
  return ctx.secure_cookies ?? new URL(c.req.url).protocol === 'https:'
}

function cookieOptions(ctx: DashboardContext, c: Context, max_age_s: number) {
  return {
    path: ctx.base,
    httpOnly: true,
    secure: secureCookie(ctx, c),
    sameSite: 'Strict' as const,
    maxAge: Math.max(0, Math.floor(max_age_s)),
  }
}

/** A `next` target that stays inside the dashboard (never an open redirect). */
function safeNext(ctx: DashboardContext, next: unknown): string {
  if (
    typeof next === 'string' &&
    next.startsWith(`${ctx.base}/`) &&
    !next.startsWith('//') &&
    !/[\\\s]/.test(next)
  )
    return next
  return `${ctx.base}/`
}

/** When a JWT credential expires (ms), so the session cannot outlive it. */
function credentialExpiry(credential: string): number | null {
  if (credential.split('.').length !== 3) return null
  try {
    const exp = decodeJwt(credential).exp
    return typeof exp === 'number' ? exp * 1000 : null
  } catch {
    return null
  }
}

async function signIn(ctx: DashboardContext, credential: string): Promise<Principal | string> {
  if (credential === '' || credential.length > MAX_CREDENTIAL || /[\s]/.test(credential)) {
    return 'Paste one API key or JWT, without spaces.'
  }
  const request = new Request('http://dashboard.invalid/', {
    headers: { authorization: `Bearer ${credential}` },
  })
  try {
    const principal = await authenticateRequest(ctx.backends, request)
    if (principal.auth === 'anonymous')
      return 'The dashboard needs an identified user; this credential is not one.'
    return principal
  } catch (error) {
    if (AirlockError.isInstance(error)) return `Not signed in: ${error.message}`
    throw error
  }
}

function renderSignIn(
  ctx: DashboardContext,
  c: Context,
  error: string | null,
  status: 200 | 401 | 403 = 200,
) {
  // Double-submit token: the form must echo the cookie, so another site cannot sign a browser in as someone else.
  const token = getCookie(c, PRE_COOKIE) ?? crypto.randomUUID()
  setCookie(c, PRE_COOKIE, token, cookieOptions(ctx, c, 3600))
  const next = safeNext(ctx, c.req.query('next'))
  return renderPage(
    c,
    <Layout base={ctx.base} title="Sign in" page="sign-in" session={null} demo={ctx.demo}>
      <SignInView base={ctx.base} csrf={token} error={error} next={next} />
    </Layout>,
    status,
  )
}

/** `GET/POST sign-in` and `POST sign-out`. */
export function authRoutes(ctx: DashboardContext, app: Hono<DashboardEnv>): void {
  app.get('/sign-in', (c) => renderSignIn(ctx, c, null))
  app.post('/sign-in', async (c) => {
    const form = await c.req.parseBody()
    const expected = getCookie(c, PRE_COOKIE)
    const given = typeof form.csrf === 'string' ? form.csrf : ''
    if (expected === undefined || !secretEqual(given, expected)) {
      return renderSignIn(ctx, c, 'The sign-in form expired or came from elsewhere; try again.', 403)
    }
    const credential = typeof form.credential === 'string' ? form.credential.trim() : ''
    const outcome = await signIn(ctx, credential)
    if (typeof outcome === 'string') return renderSignIn(ctx, c, outcome, 401)
    const session = ctx.sessions.create(outcome, credentialExpiry(credential))
    deleteCookie(c, PRE_COOKIE, { path: ctx.base })
    setCookie(c, SESSION_COOKIE, session.id, cookieOptions(ctx, c, (session.expires_at - Date.now()) / 1000))
    return c.redirect(safeNext(ctx, form.next), 303)
  })
}

/** `POST sign-out`: behind the session and CSRF checks like every other state change. */
export function signOutRoute(ctx: DashboardContext, app: Hono<DashboardEnv>): void {
  app.post('/sign-out', (c) => {
    ctx.sessions.delete(c.var.session.id)
    deleteCookie(c, SESSION_COOKIE, { path: ctx.base, secure: secureCookie(ctx, c) })
    return c.redirect(`${ctx.base}/sign-in`, 303)
  })
}
