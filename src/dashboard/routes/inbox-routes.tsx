import type { Context, Hono } from 'hono'
import { streamSSE } from 'hono/streaming'
import type { Principal } from '../../identity/principal.js'
import type { Approval } from '../../store/store.js'
import { can, type DashboardContext, type DashboardEnv } from '../dashboard-context.js'
import { type ApprovalCardData, InboxList } from '../views/approval-card.js'
import { ApprovalView } from '../views/approval-view.js'
import { decide } from './decide.js'
import { page, problemPage, refusal } from './page.js'

const INBOX_SIZE = 50
const HISTORY = 3

async function cardData(
  ctx: DashboardContext,
  principal: Principal,
  approval: Approval,
): Promise<ApprovalCardData> {
  const { audit } = ctx.airlock
  const base = { tenant_id: principal.tenant_id }
  const [held, approved, rejected] = await Promise.all([
    audit.list({ ...base, approval_id: approval.id, status: 'held' }, 1),
    audit.list({ ...base, action: approval.action, status: 'approved' }, HISTORY),
    audit.list({ ...base, action: approval.action, status: 'rejected' }, HISTORY),
  ])
  const delegated = held.items[0]?.context?.delegated_by
  const history = [...approved.items, ...rejected.items]
    .filter((e) => e.approval_id !== approval.id)
    .sort((a, b) => b.seq - a.seq)
    .slice(0, HISTORY)
  return {
    approval,
    delegated_by: Array.isArray(delegated) ? delegated.map(String) : [],
    target: approval.target === null ? undefined : ctx.targets?.get(approval.target),
    history,
  }
}

async function pendingCards(ctx: DashboardContext, principal: Principal): Promise<ApprovalCardData[]> {
  const pending = await ctx.airlock.approvals.list(principal, { status: 'pending', limit: INBOX_SIZE })
  return Promise.all(pending.items.map((a) => cardData(ctx, principal, a)))
}

/** Changes whenever a pending approval appears, goes or gains a vote. */
async function inboxSignature(ctx: DashboardContext, principal: Principal): Promise<string> {
  const pending = await ctx.airlock.approvals.list(principal, { status: 'pending', limit: INBOX_SIZE })
  return pending.items.map((a) => `${a.id}:${a.votes.length}`).join(',')
}

function liveInbox(ctx: DashboardContext, c: Context<DashboardEnv>) {
  const principal = c.var.session.principal
  return streamSSE(c, async (stream) => {
    let last: string | null = null
    let beats = 0
    while (!stream.aborted && !stream.closed) {
      // Re-check on every tick: sign-out or expiry ends the stream too.
      if (ctx.sessions.get(c.var.session.id) === null) break
      const signature = await inboxSignature(ctx, principal)
      if (signature !== last) {
        if (last !== null) await stream.writeSSE({ event: 'inbox', data: signature })
        last = signature
      } else if (++beats % 15 === 0) {
        await stream.writeSSE({ event: 'ping', data: '' })
      }
      await stream.sleep(ctx.poll_interval_ms)
    }
  })
}

/** The approval inbox, its live stream, one approval, and deciding. */
export function inboxRoutes(ctx: DashboardContext, app: Hono<DashboardEnv>): void {
  app.get('/inbox', async (c) => {
    const refused = refusal(ctx, c, 'decide', 'inbox', 'the approval inbox')
    if (refused) return refused
    const cards = await pendingCards(ctx, c.var.session.principal)
    return page(
      ctx,
      c,
      'inbox',
      'Inbox',
      <section class="inbox" data-live={`${ctx.base}/inbox/events`} data-fragment={`${ctx.base}/inbox/list`}>
        <h1>
          Approval inbox <small class="live-state">live</small>
        </h1>
        <p class="hint">
          Newest first. <kbd>j</kbd>/<kbd>k</kbd> move, <kbd>y</kbd> approve, <kbd>n</kbd> reject,{' '}
          <kbd>c</kbd> comment.
        </p>
        <InboxList base={ctx.base} csrf={c.var.session.csrf} cards={cards} now={Date.now()} />
      </section>,
    )
  })
  app.get('/inbox/list', async (c) => {
    if (!can(ctx, c.var.session.principal, 'decide')) return c.text('Not allowed', 403)
    const cards = await pendingCards(ctx, c.var.session.principal)
    const html = <InboxList base={ctx.base} csrf={c.var.session.csrf} cards={cards} now={Date.now()} />
    return c.html(html)
  })
  app.get('/inbox/events', (c) => {
    if (!can(ctx, c.var.session.principal, 'decide')) return c.text('Not allowed', 403)
    return liveInbox(ctx, c)
  })
  app.get('/approvals/:id', async (c) => {
    const refused = refusal(ctx, c, 'view', 'inbox', 'approvals')
    if (refused) return refused
    const principal = c.var.session.principal
    const id = c.req.param('id')
    if (!/^apr-[0-9a-f]{24}$/.test(id)) {
      return problemPage(ctx, c, 'inbox', 'Not found', `'${id}' is not an approval id`, 404)
    }
    const approval = await ctx.airlock.approvals.get(principal, id).catch(() => null)
    if (!approval) return problemPage(ctx, c, 'inbox', 'Not found', `No approval ${id} in your tenant`, 404)
    const events = await ctx.airlock.audit.list({ tenant_id: principal.tenant_id, approval_id: id }, 100)
    const card = await cardData(ctx, principal, approval)
    return page(
      ctx,
      c,
      'inbox',
      approval.action,
      <ApprovalView base={ctx.base} csrf={c.var.session.csrf} data={card} events={events.items} />,
    )
  })
  for (const verdict of ['approve', 'reject'] as const) {
    app.post(`/approvals/:id/${verdict}`, async (c) => {
      const id = c.req.param('id')
      c.var.session.flash = await decide(ctx, c, id, verdict)
      return c.redirect(`${ctx.base}/approvals/${encodeURIComponent(id)}`, 303)
    })
  }
}
