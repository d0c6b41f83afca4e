import type { Context, Hono } from 'hono'
import type { DashboardContext, DashboardEnv } from '../dashboard-context.js'
import { EMPTY_INPUT, playgroundInput, runPlayground } from '../playground.js'
import { ActionsView } from '../views/actions-view.js'
import { type PlaygroundInput, type PlaygroundResult, PoliciesView } from '../views/policies-view.js'
import { page, refusal } from './page.js'

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

/** The action catalogue, the policy rules and the playground. */
export function catalogueRoutes(ctx: DashboardContext, app: Hono<DashboardEnv>): void {
  app.get('/actions', (c) =>
    page(ctx, c, 'actions', 'Actions', <ActionsView actions={ctx.airlock.actions()} />),
  )
  app.get(
    '/policies',
    (c) => refusal(ctx, c, 'view', 'policies', 'the policies') ?? policiesPage(ctx, c, EMPTY_INPUT, null),
  )
  app.post('/policies/playground', async (c) => {
    const refused = refusal(ctx, c, 'view', 'policies', 'the policy playground')
    if (refused) return refused
    const input = playgroundInput(await c.req.parseBody())
    return policiesPage(ctx, c, input, runPlayground(ctx.airlock, ctx.engine, input))
  })
}
