import type { Context } from 'hono'
import type { Child } from 'hono/jsx'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import {
  type Capability,
  can,
  type DashboardContext,
  type DashboardEnv,
  rolesFor,
} from '../dashboard-context.js'
import { renderPage } from '../render-page.js'
import { Layout, type PageName, Refusal } from '../views/layout.js'

/** Renders `children` in the layout for the signed-in user. */
export function page(
  ctx: DashboardContext,
  c: Context<DashboardEnv>,
  name: PageName,
  title: string,
  children: Child,
  status: ContentfulStatusCode = 200,
): Promise<Response> {
  return renderPage(
    c,
    <Layout base={ctx.base} title={title} page={name} session={c.var.session} demo={ctx.demo}>
      {children}
    </Layout>,
    status,
  )
}

/** A 403 page naming the roles that would open `what`, or null when the user holds one. */
export function refusal(
  ctx: DashboardContext,
  c: Context<DashboardEnv>,
  capability: Capability,
  name: PageName,
  what: string,
): Promise<Response> | null {
  const principal = c.var.session.principal
  if (can(ctx, principal, capability)) return null
  const held = principal.roles.length > 0 ? principal.roles.join(', ') : 'no roles'
  return page(
    ctx,
    c,
    name,
    'Not allowed',
    <Refusal
      title="Not allowed"
      message={`${principal.actor_id} (${held}) cannot open ${what}: it needs one of the roles ${rolesFor(ctx, capability).join(', ')}.`}
    />,
    403,
  )
}

/** A 400/404 page with a message. */
export function problemPage(
  ctx: DashboardContext,
  c: Context<DashboardEnv>,
  name: PageName,
  title: string,
  message: string,
  status: ContentfulStatusCode,
): Promise<Response> {
  return page(ctx, c, name, title, <Refusal title={title} message={message} />, status)
}
