/**
 * The dashboard in real headless Chromium: a forged audit chain turns the
 * banner red naming the first bad event; a decision that lost a race says
 * who won; the policy playground decides exactly as `airlock check`.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import Database from 'better-sqlite3'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { defineAction } from '../../src/actions/define-action.js'
import { createAirlock } from '../../src/airlock.js'
import { generateSealKey } from '../../src/audit/seal.js'
import { createDashboard } from '../../src/dashboard/index.js'
import { apiKeyAuth } from '../../src/identity/auth/api-key-auth.js'
import { hashApiKey } from '../../src/identity/auth/generate-api-key.js'
import { localPrincipal } from '../../src/identity/principal.js'
import { allowAll } from '../../src/policy/rules/fixed-rules.js'
import { type RunningServer, startServer } from '../../src/server/start-server.js'
import { sqliteStore } from '../../src/store/sqlite/index.js'
import { captureCli } from '../helpers/capture-cli.js'
import { launchBrowser } from './browser.js'
import { AGENT_KEY, APPROVER_KEY, api, startQuickstart, type TestGateway } from './gateway.js'

const silent = { info() {}, warn() {}, error() {}, debug() {} }
let browser: Awaited<ReturnType<typeof launchBrowser>>

beforeAll(async () => {
  browser = await launchBrowser()
}, 60_000)

afterAll(async () => {
  await browser?.close()
}, 60_000)

async function signIn(base: string, key: string, path: string): Promise<Page> {
  await browser.context.clearCookies()
  const page = await browser.context.newPage()
  page.on('dialog', (dialog) => void dialog.accept())
  await page.goto(`${base}/ui/sign-in?next=${encodeURIComponent(path)}`)
  await page.fill('input[name="credential"]', key)
  await page.click('button[type="submit"]')
  await page.waitForURL((url) => url.pathname === path.split('?')[0])
  return page
}

describe('a forged audit chain', { timeout: 120_000 }, () => {
  const KEY = 'ak_chain_auditor_Yt55'
  let dir: string
  let db: Database.Database
  let server: RunningServer

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'airlock-forge-'))
    db = new Database(join(dir, 'a.db'))
    const store = sqliteStore({ database: db })
    await store.migrate()
    const ping = defineAction({
      name: 'ping',
      description: 'Answers pong',
      risk: 'low',
      input: z.object({}),
      handler: () => 'pong',
    })
    const airlock = createAirlock({
      actions: [ping],
      policies: [allowAll()],
      store,
      seal: { keys: { k0: generateSealKey() }, current: 'k0' },
    })
    for (let i = 0; i < 4; i++) await airlock.execute('ping', {}, { caller: localPrincipal(`agent-${i}`) })
    const auth = apiKeyAuth({
      keys: [{ id: 'aud', sha256: hashApiKey(KEY), actor_id: 'auditor', roles: ['auditor'] }],
    })
    const dashboard = createDashboard(airlock, { auth, path: '/ui', verify_interval_ms: 0 })
    server = await startServer({
      airlock,
      auth,
      mount: [{ path: '/ui', app: dashboard as never }],
      host: '127.0.0.1',
      port: 0,
      logger: silent,
    })
  }, 60_000)

  afterAll(async () => {
    await server?.close({ force: true })
    await rm(dir, { recursive: true, force: true })
  })

  it('shows green while intact and red naming the first bad event once a record is edited', async () => {
    const page = await signIn(server.url, KEY, '/ui/audit')
    await expect(page.locator('.chain.ok').textContent()).resolves.toMatch(/Chain verified up to seq 8 at/)

    const victim = db.prepare('SELECT id, body FROM airlock_audit_events WHERE seq = 3').get() as {
      id: string
      body: string
    }
    db.prepare('UPDATE airlock_audit_events SET body = ? WHERE seq = 3').run(
      victim.body.replace('agent-1', 'agent-9'),
    )

    await page.reload()
    const banner = page.locator('.chain.broken')
    await expect(banner.textContent()).resolves.toMatch(/Chain BROKEN at seq 3/)
    await expect(banner.locator('a').textContent()).resolves.toBe(`First bad event: ${victim.id}`)
    expect(await banner.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(179, 38, 30)')
    await page.close()
  })
})

describe('the quickstart dashboard', { timeout: 120_000 }, () => {
  let gateway: TestGateway

  beforeAll(async () => {
    gateway = await startQuickstart()
  }, 60_000)

  afterAll(async () => {
    await gateway?.stop()
  })

  it('tells an approver who lost a race who decided first', async () => {
    const held = await api(gateway.url, AGENT_KEY, '/actions/issue_refund/execute', {
      inputs: { invoice_id: 'inv_1002', amount_cents: 100, reason: 'Race' },
    })
    const { approval_id } = (await held.json()) as { approval_id: string }
    const page = await signIn(gateway.url, APPROVER_KEY, '/ui/inbox')
    const card = page.locator(`article[data-approval="${approval_id}"]`)
    await card.waitFor()
    // Someone else decides through the API while the page is open.
    expect(
      (await api(gateway.url, APPROVER_KEY, `/approvals/${approval_id}/reject`, { comment: 'no' })).status,
    ).toBe(200)
    await card.locator('button.approve').click()
    await page.waitForURL((url) => url.pathname === `/ui/approvals/${approval_id}`)
    await expect(page.locator('.flash.error').textContent()).resolves.toMatch(
      /Your decision was not recorded: .*already rejected.* alice decided it first \(rejected\)/,
    )
    await page.close()
  })

  it('refuses self-approval with a clear message', async () => {
    const { approval_id } = (await (
      await api(gateway.url, APPROVER_KEY, '/actions/scale-deployment/execute', {
        inputs: { namespace: 'prod', replicas: 3 },
        target: 'prod/api-server',
      })
    ).json()) as { approval_id: string }
    const page = await signIn(gateway.url, APPROVER_KEY, `/ui/approvals/${approval_id}`)
    await page.locator('button.approve').click()
    await page.waitForURL((url) => url.pathname === `/ui/approvals/${approval_id}`)
    await expect(page.locator('.flash.error').textContent()).resolves.toMatch(
      /Refused: you asked for this yourself, so someone else must decide it/,
    )
    await page.close()
  })

  const CASES = [
    {
      action: 'scale-deployment',
      target: 'prod/api-server',
      caller: 'ops',
      roles: 'agent',
      params: { namespace: 'prod', replicas: 3 },
    },
    {
      action: 'scale-deployment',
      target: 'dev/test-app',
      caller: 'ops',
      roles: 'agent',
      params: { namespace: 'dev', replicas: 2 },
    },
    {
      action: 'scale-deployment',
      target: 'dev/test-app',
      caller: 'ops',
      roles: '',
      params: { namespace: 'dev', replicas: 2 },
    },
    {
      action: 'scale-deployment',
      target: 'dev/test-app',
      caller: 'ops',
      roles: 'agent',
      params: { namespace: 'dev', replicas: 99 },
    },
    {
      action: 'get-pod-logs',
      target: 'prod/api-server',
      caller: 'ops',
      roles: 'agent',
      params: { namespace: 'prod', pod: 'api-1' },
    },
    {
      action: 'restart-deployment',
      target: 'staging/api-server',
      caller: '',
      roles: '',
      params: { namespace: 'staging' },
    },
    { action: 'drop-database', target: '', caller: 'ops', roles: 'agent', params: {} },
  ]

  it('decides in the playground exactly as `airlock check` does', async () => {
    const page = await signIn(gateway.url, APPROVER_KEY, '/ui/policies')
    const project = resolve('examples/quickstart')
    for (const c of CASES) {
      const argv = ['check', c.action, '--json', '--params', JSON.stringify(c.params)]
      if (c.target) argv.push('--target', c.target)
      if (c.caller) argv.push('--caller', c.caller)
      if (c.roles) argv.push('--roles', c.roles)
      const cli = JSON.parse((await captureCli(argv, project)).stdout) as {
        decision: string
        rule: string | null
        reason: string
      }

      await page.fill('input[name="action"]', c.action)
      await page.fill('input[name="target"]', c.target)
      await page.fill('input[name="caller"]', c.caller)
      await page.fill('input[name="roles"]', c.roles)
      await page.fill('textarea[name="params"]', JSON.stringify(c.params))
      await page.click('.playground button[type="submit"]')
      await page.waitForSelector('.verdict')
      const verdict = page.locator('.verdict')
      const shown = {
        decision: await verdict.getAttribute('data-decision'),
        rule: await verdict.locator('.decided-by').textContent(),
        reason: await verdict.locator('.reason').textContent(),
      }
      expect(shown, `${c.action} ${JSON.stringify(c)}`).toEqual({
        decision: cli.decision,
        rule: cli.rule ?? '(none)',
        reason: cli.reason,
      })
    }
    await page.close()
  })
})
