/**
 * Channels from the configuration file: a request held by the gateway is
 * announced on Slack, and a signed button press on the configured path
 * decides it — with API authentication still required everywhere else.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signSlackRequest } from '../../src/approvals/channels/slack/slack-signature.js'
import { createAirlockFromConfig } from '../../src/config/create-airlock-from-config.js'
import { loadConfig } from '../../src/config/load-config.js'
import { createHttpApp } from '../../src/http/index.js'
import { generateApiKey, hashApiKey } from '../../src/identity/auth/index.js'
import { startFakeSlack } from '../approvals/fake-slack.js'

const SECRET = 'slack-signing-secret-for-tests'
const agentKey = generateApiKey()
let dir = ''
let slack: Awaited<ReturnType<typeof startFakeSlack>>

beforeAll(async () => {
  slack = await startFakeSlack()
  dir = await mkdtemp(join(tmpdir(), 'airlock-channels-'))
  await writeFile(
    join(dir, 'wipe.yaml'),
    `name: wipe-cache
version: "1.0.0"
description: Drop a cache
parameters:
  - name: cache
    type: string
risk_class: high
target_types: [cache]
approval_required: true
`,
  )
  await writeFile(
    join(dir, 'policy.yaml'),
    'rules:\n  - name: everything\n    match: {}\n    decision: allow\n    reason: ok\n',
  )
  await writeFile(
    join(dir, 'airlock.config.yaml'),
    `store: memory
actions: [./wipe.yaml]
policies: [./policy.yaml]
auth:
  api_keys:
    - { id: agent, sha256: ${hashApiKey(agentKey)}, actor_id: cache-agent }
channels:
  slack:
    bot_token: xoxb-test
    channel: C_APPROVALS
    signing_secret: ${SECRET}
    api_base_url: ${slack.url}
    users:
      U0ALICE1: { actor_id: alice, roles: [approver] }
`,
  )
})
afterAll(async () => {
  await slack.close()
  await rm(dir, { recursive: true, force: true })
})

describe('channels configured in airlock.config.yaml', () => {
  it('posts held requests to Slack and takes the decision from a signed press', async () => {
    const configured = await createAirlockFromConfig(await loadConfig(join(dir, 'airlock.config.yaml')))
    const app = createHttpApp(configured.airlock, configured.httpOptions)
    try {
      const held = await app.request('/actions/wipe-cache/execute', {
        method: 'POST',
        headers: { authorization: `Bearer ${agentKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ inputs: { cache: 'sessions' } }),
      })
      expect(held.status).toBe(202)
      const { approval_id } = (await held.json()) as { approval_id: string }

      let posted = slack.calls.find((c) => c.method === 'chat.postMessage')
      for (let i = 0; i < 100 && !posted; i++) {
        await new Promise((r) => setTimeout(r, 20))
        posted = slack.calls.find((c) => c.method === 'chat.postMessage')
      }
      expect(posted?.body.channel).toBe('C_APPROVALS')
      expect(JSON.stringify(posted?.body)).toContain(approval_id)

      const payload = {
        type: 'block_actions',
        user: { id: 'U0ALICE1' },
        channel: { id: 'C_APPROVALS' },
        message: { ts: '1700000000.000001', blocks: posted?.body.blocks },
        actions: [{ action_id: 'airlock_approve', value: approval_id }],
      }
      const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString()
      const timestamp = String(Math.floor(Date.now() / 1000))
      const pressed = await app.request('/slack/interactions', {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-slack-request-timestamp': timestamp,
          'x-slack-signature': signSlackRequest(SECRET, timestamp, body),
        },
        body,
      })
      expect(pressed.status).toBe(200)
      const approval = await configured.airlock.approvals.get('cache-agent', approval_id)
      expect(approval).toMatchObject({ status: 'approved', decided_by: 'alice' })
      // Everything else still needs an API credential.
      expect((await app.request('/approvals')).status).toBe(401)
    } finally {
      await configured.airlock.close()
    }
  })
})
