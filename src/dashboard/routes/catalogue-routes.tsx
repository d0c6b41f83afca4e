import type { Context, Hono } from 'hono'
import type { DashboardContext, DashboardEnv } from '../dashboard-context.js'
import { EMPTY_INPUT, playgroundInput, runPlayground } from '../playground.js'
import { ActionsView } from '../views/actions-view.js'
import { RANGES, type RangeName } from '../views/overview-view.js'
import { type PlaygroundInput, type PlaygroundResult, PoliciesView } from '../views/policies-view.js'
import { ShadowView } from '../views/shadow-view.js'
import { page, problemPage, refusal } from './page.js'

function policiesPage(
  ctx: DashboardContext,
  c: Context<DashboardEnv>,
  input: PlaygroundInput,
  outcome: PlaygroundResult | string | null,
) {
  return page(
    ctx,
    c,
    'policies',
    'Policies',
    <PoliciesView
      base={ctx.base}
      csrf={c.var.session.csrf}
      rules={ctx.engine.rules}
      default_decision={ctx.engine.default_decision}
      input={input}
      result={typeof outcome === 'string' ? null : outcome}
      error={typeof outcome === 'string' ? outcome : null}
    />,
    typeof outcome === 'string' ? 400 : 200,
  )
}

/** The action catalogue, the policy rules, the playground and the shadow candidate's report. */
export function catalogueRoutes(ctx: DashboardContext, app: Hono<DashboardEnv>): void {
  app.get('/actions', (c) =>
    page(ctx, c, 'actions', 'Actions', <ActionsView actions={ctx.airlock.actions()} />),
  )
  app.get(
    '/policies',
    (c) => refusal(ctx, c, 'view', 'policies', 'the policies') ?? policiesPage(ctx, c, EMPTY_INPUT, null),
  )
  app.get('/policies/shadow', async (c) => {
    const refused = refusal(ctx, c, 'view', 'policies', 'the shadow report')
    if (refused) return refused
    const range = c.req.query('range') ?? '24h'
    if (!Object.hasOwn(RANGES, range)) {
      return problemPage(ctx, c, 'policies', 'Bad range', `range must be 1h, 24h or 7d, got '${range}'`, 400)
    }
    // The signed-in user's tenant only: the report names callers and actions.
    const report = await ctx.airlock.policy.shadowHistory({
      since: new Date(Date.now() - RANGES[range as RangeName].ms).toISOString(),
      tenant_id: c.var.session.principal.tenant_id,
    })
    return page(
      ctx,
      c,
      'policies',
      'Shadow candidate',
      <ShadowView base={ctx.base} range={range as RangeName} report={report} />,
    )
  })
  app.post('/policies/playground', async (c) => {
    const refused = refusal(ctx, c, 'view', 'policies', 'the policy playground')
    if (refused) return refused
    const input = playgroundInput(await c.req.parseBody())
    return policiesPage(ctx, c, input, runPlayground(ctx.airlock, ctx.engine, input))
  })
}
