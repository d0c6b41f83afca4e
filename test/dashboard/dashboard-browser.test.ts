/**
 * The dashboard in real headless Chromium against the quickstart gateway on
 * a real port: sign-in, the live inbox, deciding, roles, CSRF and the
 * policy playground.
 */
import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser } from './browser.js'
import { AGENT_KEY, APPROVER_KEY, api, startQuickstart, type TestGateway } from './gateway.js'

let gateway: TestGateway
let browser: Awaited<ReturnType<typeof launchBrowser>>

beforeAll(async () => {
  gateway = await startQuickstart()
  browser = await launchBrowser()
}, 60_000)

afterAll(async () => {
  await browser?.close()
  await gateway?.stop()
}, 60_000)

async function signIn(context: BrowserContext, key: string, next = '/ui/overview'): Promise<Page> {
  await context.clearCookies()
  const page = await context.newPage()
  page.on('dialog', (dialog) => void dialog.accept())
  await page.goto(`${gateway.url}${next}`)
  expect(new URL(page.url()).pathname).toBe('/ui/sign-in')
  await page.fill('input[name="credential"]', key)
  await page.click('button[type="submit"]')
  await page.waitForURL((url) => url.pathname === next)
  return page
}

async function holdRefund(amount: number): Promise<string> {
  const response = await api(gateway.url, AGENT_KEY, '/actions/issue_refund/execute', {
    inputs: { invoice_id: 'inv_1001', amount_cents: amount, reason: 'Customer asked' },
  })
  const body = (await response.json()) as { status: string; approval_id: string }
  expect(body.status).toBe('pending_approval')
  return body.approval_id
}

describe('dashboard in Chromium', { timeout: 120_000 }, () => {
  it('refuses a wrong key and keeps the session cookie HttpOnly and SameSite=Strict', async () => {
    const page = await browser.context.newPage()
    await page.goto(`${gateway.url}/ui/sign-in`)
    await page.fill('input[name="credential"]', 'ak_not_a_real_key')
    await page.click('button[type="submit"]')
    await expect(page.locator('.flash.error').textContent()).resolves.toMatch(/Not signed in/)
    await page.close()

    const signed = await signIn(browser.context, APPROVER_KEY)
    const cookie = (await browser.context.cookies(`${gateway.url}/ui/`)).find(
      (c) => c.name === 'airlock_session',
    )
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', secure: false, path: '/ui' })
    await signed.close()
  })

  it('shows an agent’s held request live in the approver’s inbox, approves it, and shows outcome and audit', async () => {
    const page = await signIn(browser.context, APPROVER_KEY, '/ui/inbox')
    await page.waitForSelector('.live-state')
    const before = await page.locator('article.approval').count()
    // Give the event stream a moment to connect, then have the agent ask.
    await page.waitForTimeout(300)
    const id = await holdRefund(700)
    const card = page.locator(`article[data-approval="${id}"]`)
    await card.waitFor({ timeout: 10_000 })
    expect(await page.locator('article.approval').count()).toBe(before + 1)
    await expect(card.textContent()).resolves.toMatch(/billing-agent/)
    await expect(card.textContent()).resolves.toMatch(/refunds-need-approval/)
    await expect(card.textContent()).resolves.toMatch(/0 of 1 approvals/)

    await card.locator('input[name="comment"]').fill('Checked with the customer')
    await card.locator('button.approve').click()
    await page.waitForURL((url) => url.pathname === `/ui/approvals/${id}`)
    await expect(page.locator('.flash.ok').textContent()).resolves.toMatch(/it ran and succeeded/)
    await expect(page.locator('h1 .status').textContent()).resolves.toBe('executed')
    const statuses = await page.locator('table.events .status').allTextContents()
    expect(statuses).toEqual(expect.arrayContaining(['held', 'approved', 'executed']))

    await page.goto(`${gateway.url}/ui/audit?approval_id=${id}&status=approved`)
    const rows = page.locator('table.events tbody tr')
    expect(await rows.count()).toBe(1)
    await rows.first().locator('a').first().click()
    await expect(page.locator('pre.json').textContent()).resolves.toMatch(/"approver": "alice"/)
    await expect(page.locator('pre.json').textContent()).resolves.toMatch(/"channel": "dashboard"/)
    await page.close()
  })

  it('keeps an agent key out of the inbox', async () => {
    const { context, close } = await launchBrowser()
    try {
      const page = await signIn(context, AGENT_KEY, '/ui/actions')
      const response = await page.goto(`${gateway.url}/ui/inbox`)
      expect(response?.status()).toBe(403)
      await expect(page.locator('.refusal').textContent()).resolves.toMatch(
        /billing-agent \(agent\) cannot open the approval inbox: it needs one of the roles approver/,
      )
      expect((await page.goto(`${gateway.url}/ui/inbox/events`))?.status()).toBe(403)
    } finally {
      await close()
    }
  })

  it('refuses a state change without the CSRF token and changes nothing', async () => {
    const id = await holdRefund(300)
    const page = await signIn(browser.context, APPROVER_KEY, '/ui/inbox')
    const status = await page.evaluate(async (approval) => {
      const response = await fetch(`/ui/approvals/${approval}/approve`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'comment=sneaky',
      })
      return { status: response.status, text: await response.text() }
    }, id)
    expect(status.status).toBe(403)
    expect(status.text).toMatch(/CSRF token is missing/)
    const approval = (await (await api(gateway.url, APPROVER_KEY, `/approvals/${id}`)).json()) as {
      status: string
    }
    expect(approval.status).toBe('pending')
    await page.close()
  })

  it('fits a phone-sized viewport without sideways scrolling', async () => {
    const { context, close } = await launchBrowser({ width: 390, height: 844 })
    try {
      const page = await signIn(context, APPROVER_KEY, '/ui/inbox')
      for (const path of ['/ui/inbox', '/ui/audit', '/ui/overview', '/ui/actions', '/ui/policies']) {
        await page.goto(`${gateway.url}${path}`)
        const width = await page.evaluate(() => document.documentElement.scrollWidth)
        expect(width, path).toBeLessThanOrEqual(390)
      }
    } finally {
      await close()
    }
  })

  it('signs out, after which the session no longer opens pages', async () => {
    const page = await signIn(browser.context, APPROVER_KEY, '/ui/overview')
    await page.click('header .user button')
    await page.waitForURL((url) => url.pathname === '/ui/sign-in')
    await page.goto(`${gateway.url}/ui/inbox`)
    expect(new URL(page.url()).pathname).toBe('/ui/sign-in')
    await page.close()
  })
})
