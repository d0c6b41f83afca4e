import type { Context, Hono } from 'hono'
import { AirlockError } from '../../errors/airlock-error.js'
import { type AuditQuery, parseAuditQuery, toAuditFilter } from '../audit-query.js'
import type { DashboardContext, DashboardEnv } from '../dashboard-context.js'
import { AuditView } from '../views/audit-view.js'
import { ChainBanner } from '../views/chain-banner.js'
import { EventView } from '../views/event-view.js'
import { page, problemPage, refusal } from './page.js'

const PAGE_SIZE = 50
const EXPORT_PAGE = 1000

async function chainBanner(ctx: DashboardContext, tenant_id: string) {
  const report = await ctx.chain.current()
  let bad = null
  if (!report.result.valid) {
    const [event] = await ctx.airlock.store.audit.range(report.result.seq - 1, 1)
    if (event && event.tenant_id === tenant_id) bad = event
  }
  return <ChainBanner base={ctx.base} report={report} bad={bad} />
}

async function explorer(ctx: DashboardContext, c: Context<DashboardEnv>) {
  const tenant = c.var.session.principal.tenant_id
  const parsed = parseAuditQuery(c.req.query())
  const query: AuditQuery = typeof parsed === 'string' ? {} : parsed
  let error = typeof parsed === 'string' ? `Filter not applied: ${parsed}` : null
  let events: Awaited<ReturnType<typeof ctx.airlock.audit.list>> = { items: [], next_cursor: null }
  if (error === null) {
    try {
      events = await ctx.airlock.audit.list(toAuditFilter(tenant, query), PAGE_SIZE, query.cursor ?? null)
    } catch (e) {
      if (!AirlockError.isInstance(e) || e.code !== 'BAD_REQUEST') throw e
      error = e.message
    }
  }
  const banner = await chainBanner(ctx, tenant)
  return page(
    ctx,
    c,
    'audit',
    'Audit',
    <>
      {banner}
      <AuditView
        base={ctx.base}
        query={query}
        events={events.items}
        next_cursor={events.next_cursor}
        error={error}
      />
    </>,
    error === null ? 200 : 400,
  )
}

function exportJsonl(ctx: DashboardContext, c: Context<DashboardEnv>, query: AuditQuery): Response {
  const filter = toAuditFilter(c.var.session.principal.tenant_id, query)
  const encoder = new TextEncoder()
  let cursor: string | null = null
  let done = false
  // Pulled page by page, so a large export never sits in memory and stops when the client goes.
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (done) return controller.close()
      const page = await ctx.airlock.audit.list(filter, EXPORT_PAGE, cursor)
      const lines = page.items.map((e) => `${JSON.stringify(e)}\n`).join('')
      if (lines !== '') controller.enqueue(encoder.encode(lines))
      cursor = page.next_cursor
      done = cursor === null
      if (done) controller.close()
    },
  })
  const stamp = new Date().toISOString().replace(/[:.]/g, '-')
  return c.body(body, 200, {
    'content-type': 'application/x-ndjson; charset=utf-8',
    'content-disposition': `attachment; filename="airlock-audit-${stamp}.jsonl"`,
  })
}

/** The audit explorer, one event, and the JSONL export. */
export function auditRoutes(ctx: DashboardContext, app: Hono<DashboardEnv>): void {
  app.get('/audit', (c) => refusal(ctx, c, 'view', 'audit', 'the audit explorer') ?? explorer(ctx, c))
  app.get('/audit/export', (c) => {
    const refused = refusal(ctx, c, 'view', 'audit', 'the audit export')
    if (refused) return refused
    const parsed = parseAuditQuery(c.req.query())
    if (typeof parsed === 'string') return problemPage(ctx, c, 'audit', 'Bad filter', parsed, 400)
    return exportJsonl(ctx, c, { ...parsed, cursor: undefined })
  })
  app.get('/audit/events/:seq', async (c) => {
    const refused = refusal(ctx, c, 'view', 'audit', 'audit events')
    if (refused) return refused
    const raw = c.req.param('seq')
    const seq = /^[1-9]\d{0,15}$/.test(raw) ? Number(raw) : Number.NaN
    if (!Number.isSafeInteger(seq))
      return problemPage(ctx, c, 'audit', 'Not found', `'${raw}' is not a seq`, 404)
    const [event] = await ctx.airlock.store.audit.range(seq - 1, 1)
    if (!event || event.tenant_id !== c.var.session.principal.tenant_id) {
      return problemPage(ctx, c, 'audit', 'Not found', `No event at seq ${seq} in your tenant`, 404)
    }
    const report = await ctx.chain.current()
    const verified = report.result.valid ? report.result.count : report.result.seq - 1
    return page(
      ctx,
      c,
      'audit',
      `Event ${seq}`,
      <EventView base={ctx.base} event={event} verified_count={verified} />,
    )
  })
}
