import type { Hono } from 'hono'
import type { DashboardContext, DashboardEnv } from '../dashboard-context.js'
import { OverviewView, RANGES, type RangeName } from '../views/overview-view.js'
import { page, problemPage, refusal } from './page.js'

/** `GET overview?range=1h|24h|7d`. */
export function overviewRoutes(ctx: DashboardContext, app: Hono<DashboardEnv>): void {
  app.get('/overview', async (c) => {
    const refused = refusal(ctx, c, 'view', 'overview', 'the overview')
    if (refused) return refused
    const range = c.req.query('range') ?? '24h'
    if (!Object.hasOwn(RANGES, range)) {
      return problemPage(ctx, c, 'overview', 'Bad range', `range must be 1h, 24h or 7d, got '${range}'`, 400)
    }
    const spec = RANGES[range as RangeName]
    const until = new Date()
    const since = new Date(until.getTime() - spec.ms)
    const stats = await ctx.airlock.store.audit.stats({
      tenant_id: c.var.session.principal.tenant_id,
      since: since.toISOString(),
      until: new Date(until.getTime() + 1).toISOString(),
      bucket_s: spec.bucket_s,
      top: 5,
    })
    return page(
      ctx,
      c,
      'overview',
      'Overview',
      <OverviewView base={ctx.base} range={range as RangeName} since={since} stats={stats} />,
    )
  })
}
