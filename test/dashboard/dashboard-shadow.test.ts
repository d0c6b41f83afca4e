/**
 * The dashboard's shadow report in real headless Chromium: a candidate
 * policy shadows the quickstart gateway, a scripted traffic mix runs, and
 * the page (reached from the policies page) shows how many requests the
 * candidate would have decided differently, by rule, action and caller.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config/load-config.js'
import { launchBrowser } from './browser.js'
import { AGENT_KEY, APPROVER_KEY, api, QUICKSTART, startQuickstart, type TestGateway } from './gateway.js'

const CANDIDATE = `rules:
  - name: no-invoice-lists
    priority: 300
    match: { actions: [list_invoices] }
    decision: deny
    reason: Listing every invoice is too broad
  - name: agents-read-invoices
    priority: 100
    match: { actions: [get_invoice, list_invoices], callers: { roles: [agent] } }
    decision: allow
    reason: Agents may read invoices
`

let browser: Awaited<ReturnType<typeof launchBrowser>>
let gateway: TestGateway
let dir: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'airlock-shadow-'))
  await writeFile(join(dir, 'candidate.yaml'), CANDIDATE)
  const loaded = await loadConfig(QUICKSTART)
  gateway = await startQuickstart({ policy: { ...loaded.policy, shadow: join(dir, 'candidate.yaml') } })
  browser = await launchBrowser()
}, 60_000)

afterAll(async () => {
  await browser?.close()
  await gateway?.stop()
  await rm(dir, { recursive: true, force: true })
}, 60_000)

describe('the shadow report page', { timeout: 120_000 }, () => {
  it('shows what the candidate would change, reached from the policies page', async () => {
    const run = async (action: string, inputs: Record<string, unknown>) =>
      (await api(gateway.url, AGENT_KEY, `/actions/${action}/execute`, { inputs })).status
    for (let i = 0; i < 3; i++) expect(await run('list_invoices', {})).toBe(200)
    for (let i = 0; i < 2; i++) expect(await run('get_invoice', { invoice_id: 'inv_1001' })).toBe(200)

    const page = await browser.context.newPage()
    await page.goto(`${gateway.url}/ui/sign-in?next=${encodeURIComponent('/ui/policies')}`)
    await page.fill('input[name="credential"]', APPROVER_KEY)
    await page.click('button[type="submit"]')
    await page.waitForURL((url) => url.pathname === '/ui/policies')
    await page.click('a.shadow-link')
    await page.waitForURL((url) => url.pathname === '/ui/policies/shadow')

    expect(await page.textContent('.shadow .big.compared')).toBe('5')
    expect(await page.textContent('.shadow .big.changed')).toBe('3')
    const row = page.locator('tr[data-transition="allow>deny"]')
    expect(await row.locator('td.count').textContent()).toBe('3')
    const text = (await row.textContent()) ?? ''
    expect(text).toContain('no-invoice-lists 3')
    expect(text).toContain('list_invoices 3')
    expect(text).toContain('billing-agent 3')
    expect(await row.locator('td.wide a').count()).toBe(3)

    // Another range is one click away; a made-up one is refused with a reason.
    await page.click('nav.ranges a:text("1h")')
    await page.waitForURL((url) => url.search === '?range=1h')
    expect(await page.textContent('.shadow .big.changed')).toBe('3')
    const bad = await page.goto(`${gateway.url}/ui/policies/shadow?range=1y`)
    expect(bad?.status()).toBe(400)
    expect(await page.textContent('main')).toContain('range must be 1h, 24h or 7d')
    await page.close()
  })
})
