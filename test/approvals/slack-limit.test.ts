import { describe, expect, it } from 'vitest'
import { createAirlock } from '../../src/airlock.js'
import { slackInteractions } from '../../src/approvals/channels/slack/slack-interactions.js'

describe('the Slack interactions endpoint', () => {
  it('refuses oversized bodies before reading them', async () => {
    const app = slackInteractions(createAirlock(), { signing_secret: 's', bot_token: 'xoxb-t', users: {} })
    const response = await app.request('/', { method: 'POST', body: 'payload='.padEnd(200_000, 'x') })
    expect(response.status).toBe(413)
  })
})
