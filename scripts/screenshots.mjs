// `npm run screenshots`: starts the quickstart gateway (with its demo data and
// some extra traffic) on a free loopback port, signs in as the demo approver
// in headless Chromium and saves the inbox, audit explorer and overview to
// docs/images/. Runs the built package: `npm run build` first.
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { chromium } from 'playwright-core'
import { createAirlockFromConfig } from '../dist/config/create-airlock-from-config.js'
import { loadConfig } from '../dist/config/load-config.js'
import { seedDemo } from '../dist/dashboard/demo-seed.js'
import { localPrincipal } from '../dist/identity/principal.js'
import { startServer } from '../dist/server/start-server.js'
import { chromiumLaunchOptions } from './chromium-options.mjs'

const APPROVER_KEY = 'ak_demo_approver_3Hs6Kd1WfZ0bJe5u'
const OUT = resolve('docs/images')
const silent = { info() {}, warn() {}, error() {}, debug() {} }

const dir = await mkdtemp(join(tmpdir(), 'airlock-shots-'))
const profile = await mkdtemp(join(tmpdir(), 'airlock-shots-chromium-'))
const loaded = await loadConfig(resolve('examples/quickstart/airlock.config.yaml'))
const config = {
  ...loaded,
  seal: { kind: 'keys', keys: { k0: randomBytes(32).toString('base64') }, current: 'k0' },
}
const { airlock, httpOptions } = await createAirlockFromConfig(config, {
  store: `sqlite:${join(dir, 'a.db')}`,
})
await seedDemo(airlock)
// A little more traffic, so the chart and the top lists have something to show.
const agents = ['billing-agent', 'support-bot', 'ops-agent']
for (let i = 0; i < 40; i++) {
  const caller = localPrincipal(agents[i % 3], { roles: i % 7 === 0 ? [] : ['agent'], scopes: ['finance'] })
  await airlock.execute(
    i % 5 === 0 ? 'list_invoices' : 'get_invoice',
    i % 5 === 0 ? {} : { invoice_id: `inv_100${1 + (i % 3)}` },
    {
      caller,
      ticket_id: 'DEMO-SEED',
    },
  )
}
await airlock.execute(
  'issue_refund',
  { invoice_id: 'inv_1003', amount_cents: 2500, reason: 'Service outage credit' },
  {
    caller: localPrincipal('support-bot', { roles: ['agent'], scopes: ['finance'] }),
    ticket_id: 'DEMO-SEED',
  },
)
const server = await startServer({
  airlock,
  auth: httpOptions.auth,
  mount: httpOptions.mount,
  host: '127.0.0.1',
  port: 0,
  logger: silent,
})

const context = await chromium.launchPersistentContext(profile, chromiumLaunchOptions())
try {
  const page = await context.newPage()
  await page.goto(`${server.url}/ui/sign-in?next=%2Fui%2Finbox`)
  await page.fill('input[name="credential"]', APPROVER_KEY)
  await page.click('button[type="submit"]')
  await page.waitForURL((url) => url.pathname === '/ui/inbox')
  await page.screenshot({ path: join(OUT, 'dashboard-inbox.png'), fullPage: false })
  await page.goto(`${server.url}/ui/audit`)
  await page.screenshot({ path: join(OUT, 'dashboard-audit.png') })
  await page.goto(`${server.url}/ui/overview?range=1h`)
  await page.screenshot({ path: join(OUT, 'dashboard-overview.png'), fullPage: true })
  await page.setViewportSize({ width: 390, height: 844 })
  await page.goto(`${server.url}/ui/inbox`)
  await page.screenshot({ path: join(OUT, 'dashboard-inbox-phone.png') })
  console.log(`saved 4 screenshots in ${OUT}`)
} finally {
  await context.close()
  await server.close({ force: true })
  await rm(dir, { recursive: true, force: true })
  await rm(profile, { recursive: true, force: true })
}
