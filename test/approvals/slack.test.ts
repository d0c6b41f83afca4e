import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { afterEach, describe, expect, it } from 'vitest'
import {
  signSlackRequest,
  slackChannel,
  slackInteractions,
} from '../../src/approvals/channels/slack/index.js'
import { amountOver } from '../../src/approvals/policy/amount-over.js'
import { approvalPolicy } from '../../src/approvals/policy/approval-policy.js'
import { guard } from '../../src/guard/guard.js'
import { createGuardRuntime } from '../../src/guard/guard-runtime.js'
import { memoryStore } from '../../src/store/memory/index.js'
import { type SlackCall, startFakeSlack } from './fake-slack.js'

const SIGNING_SECRET = 'slack-signing-secret'
const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function until<T>(probe: () => T | undefined, what: string): Promise<T> {
  for (let i = 0; i < 300; i++) {
    const value = probe()
    if (value !== undefined) return value
    await new Promise((r) => setTimeout(r, 10))
  }
  throw new Error(`timed out waiting for ${what}`)
}

async function setup() {
  const slack = await startFakeSlack()
  cleanups.push(slack.close)
  const runtime = createGuardRuntime({ store: memoryStore() })
  cleanups.push(() => runtime.close())
  const gateway = new Hono()
  gateway.route(
    '/slack/interactions',
    slackInteractions(runtime.airlock, {
      signing_secret: SIGNING_SECRET,
      bot_token: 'xoxb-test',
      api_base_url: slack.url,
      users: {
        U_ALICE: { actor_id: 'alice', roles: ['finance', 'approver'] },
        U_AGENT: { actor_id: 'agent' },
      },
    }),
  )
  const server = serve({ fetch: gateway.fetch, hostname: '127.0.0.1', port: 0 })
  await new Promise((r) => server.once('listening', r))
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())))
  const gatewayUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/interactions`

  let runs = 0
  const refund = guard(
    async (order: { order_id: string; amount: number; card_token?: string }) => {
      runs++
      return { refunded: order.amount }
    },
    {
      action: 'refund',
      description: 'Refund an order to the card it was paid with',
      runtime,
      policy: approvalPolicy(amountOver({ arg: 'amount', threshold: 100 })),
      channels: [slackChannel({ bot_token: 'xoxb-test', channel: 'C_APPROVALS', api_base_url: slack.url })],
      timeout_ms: 20_000,
      poll_ms: 20,
    },
  )
  return { slack, runtime, gatewayUrl, refund, runs: () => runs }
}

/** Sends a block_actions interaction the way Slack does (form-encoded `payload`), signed with `secret`. */
async function press(
  url: string,
  message: SlackCall,
  options: { user: string; action_id: string; secret?: string; timestamp?: number },
): Promise<Response> {
  const blocks = message.body.blocks as { type: string; elements?: { value?: string }[] }[]
  const approvalId = blocks.find((b) => b.type === 'actions')?.elements?.[0]?.value
  const payload = {
    type: 'block_actions',
    user: { id: options.user },
    channel: { id: 'C_APPROVALS' },
    message: { ts: '1700000000.000001', blocks },
    actions: [{ action_id: options.action_id, value: approvalId }],
  }
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString()
  const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000))
  return fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': timestamp,
      'x-slack-signature': signSlackRequest(options.secret ?? SIGNING_SECRET, timestamp, body),
    },
    body,
  })
}

describe('Slack approvals end to end', () => {
  it('posts buttons, refuses forged, stale and unmapped presses, and runs the call after a real approval', async () => {
    const { slack, runtime, gatewayUrl, refund, runs } = await setup()
    const pending = refund({ order_id: 'o-9', amount: 250, card_token: 'tok_live_secret' })
    const posted = await until(
      () => slack.calls.find((c) => c.method === 'chat.postMessage'),
      'chat.postMessage',
    )
    expect(posted.authorization).toBe('Bearer xoxb-test')
    expect(posted.body.channel).toBe('C_APPROVALS')
    const text = JSON.stringify(posted.body.blocks)
    expect(text).toContain('Refund an order to the card it was paid with')
    expect(text).toContain("'amount' is 250, over 100")
    expect(text).not.toContain('tok_live_secret')
    const approvalId = (await runtime.airlock.approvals.list('agent', { limit: 1 })).items[0]!.id

    const forged = await press(gatewayUrl, posted, {
      user: 'U_ALICE',
      action_id: 'airlock_approve',
      secret: 'guess',
    })
    expect(forged.status).toBe(401)
    const stale = await press(gatewayUrl, posted, {
      user: 'U_ALICE',
      action_id: 'airlock_approve',
      timestamp: Math.floor(Date.now() / 1000) - 600,
    })
    expect(stale.status).toBe(401)
    const stranger = await press(gatewayUrl, posted, { user: 'U_EVE', action_id: 'airlock_approve' })
    expect(stranger.status).toBe(403)
    expect(slack.calls.find((c) => c.method === 'chat.postEphemeral')?.body.text).toContain('not mapped')
    const self = await press(gatewayUrl, posted, { user: 'U_AGENT', action_id: 'airlock_approve' })
    expect(self.status).toBe(409)
    expect((await runtime.airlock.approvals.get('agent', approvalId)).status).toBe('pending')
    expect(runs()).toBe(0)

    const approved = await press(gatewayUrl, posted, { user: 'U_ALICE', action_id: 'airlock_approve' })
    expect(approved.status).toBe(200)
    await expect(pending).resolves.toEqual({ refunded: 250 })
    expect(runs()).toBe(1)

    const update = slack.calls.find((c) => c.method === 'chat.update')
    expect(update?.body).toMatchObject({ channel: 'C_APPROVALS', ts: '1700000000.000001' })
    expect(String(update?.body.text)).toContain('Approved by <@U_ALICE> (alice)')
    expect(JSON.stringify(update?.body.blocks)).not.toContain('airlock_approve')
    const event = (await runtime.airlock.audit.list({ action: 'refund', status: 'approved' }, 1)).items[0]
    expect(event?.approver).toBe('alice')
    expect((await runtime.airlock.approvals.get('agent', approvalId)).status).toBe('executed')
  })

  it('rejects through the Reject button and the guarded call is denied', async () => {
    const { slack, gatewayUrl, refund, runs } = await setup()
    const pending = refund({ order_id: 'o-10', amount: 900 }).catch((e: unknown) => e)
    const posted = await until(
      () => slack.calls.find((c) => c.method === 'chat.postMessage'),
      'chat.postMessage',
    )
    const response = await press(gatewayUrl, posted, { user: 'U_ALICE', action_id: 'airlock_reject' })
    expect(response.status).toBe(200)
    expect(await pending).toMatchObject({ name: 'ApprovalDeniedError', kind: 'rejected', approver: 'alice' })
    expect(runs()).toBe(0)
    expect(String(slack.calls.find((c) => c.method === 'chat.update')?.body.text)).toContain(
      'Rejected by <@U_ALICE>',
    )
  })
})
