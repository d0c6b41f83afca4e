/**
 * The endpoint Slack calls when someone presses Approve or Reject.
 *
 * @module
 */
import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import type { Airlock } from '../../../airlock.js'
import { AirlockError } from '../../../errors/airlock-error.js'
import { ErrorCode } from '../../../errors/error-codes.js'
import { DEFAULT_TENANT, type Principal } from '../../../identity/principal.js'
import { callSlack, type SlackApiConfig } from './slack-api.js'
import { APPROVE_ACTION_ID, REJECT_ACTION_ID, slackEscape, slackShowsInFull } from './slack-message.js'
import { verifySlackRequest } from './slack-signature.js'

/** Who a Slack user is to Airlock. */
export interface SlackApprover {
  readonly actor_id: string
  readonly roles?: readonly string[]
  readonly tenant_id?: string
}

/** Options of {@link slackInteractions}. */
export interface SlackInteractionsConfig extends SlackApiConfig {
  /** The Slack app's signing secret. */
  readonly signing_secret: string
  /** Slack user id (`U…`) → approver identity. Presses by anyone else are refused. */
  readonly users: Readonly<Record<string, SlackApprover>>
  /** Oldest acceptable request, in seconds. Default 300. */
  readonly tolerance_s?: number
}

interface BlockActionsPayload {
  type?: unknown
  user?: { id?: unknown }
  actions?: { action_id?: unknown; value?: unknown }[]
  channel?: { id?: unknown }
  container?: { channel_id?: unknown; message_ts?: unknown }
  message?: { ts?: unknown; blocks?: unknown; text?: unknown }
}

const str = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null)

/** Largest interaction body accepted (Slack sends a few kilobytes). */
const MAX_INTERACTION_BYTES = 64 * 1024

/**
 * A Hono app for Slack's interactivity requests; mount it where the Slack
 * app's Request URL points, e.g. `createHttpApp(airlock, { auth, mount: [{ path: '/slack/interactions', app: slackInteractions(airlock, config) }] })`.
 *
 * @remarks Each request is checked before anything is parsed: Slack's v0
 * signature over the raw body (constant-time) and a timestamp within five
 * minutes; anything else gets 401 and nothing is decided. The Slack user must
 * be in `users`; their mapped identity decides through
 * `airlock.approvals.approve/reject`, so self-approval and approver roles are
 * enforced as everywhere else. The message is then updated (`chat.update`)
 * to show who decided; refusals are told only to the person who pressed
 * (`chat.postEphemeral`).
 */
export function slackInteractions(airlock: Airlock, config: SlackInteractionsConfig): Hono {
  if (!config?.signing_secret || !config.bot_token) {
    throw new AirlockError(ErrorCode.CONFIG_INVALID, 'slackInteractions needs signing_secret and bot_token')
  }
  const app = new Hono()
  // This endpoint is reachable without an API credential, so it must not
  // buffer (and HMAC) arbitrarily large bodies; Slack's payloads are small.
  app.post(
    '/',
    bodyLimit({
      maxSize: MAX_INTERACTION_BYTES,
      onError: (c) =>
        c.json({ error: `interaction payloads are limited to ${MAX_INTERACTION_BYTES} bytes` }, 413),
    }),
  )
  app.post('/', async (c) => {
    const raw = await c.req.text()
    const verified = verifySlackRequest(
      config.signing_secret,
      c.req.header('x-slack-request-timestamp'),
      c.req.header('x-slack-signature'),
      raw,
      config.tolerance_s === undefined ? {} : { tolerance_s: config.tolerance_s },
    )
    if (!verified) return c.json({ error: 'invalid or stale Slack signature' }, 401)

    let payload: BlockActionsPayload
    try {
      payload = JSON.parse(new URLSearchParams(raw).get('payload') ?? '') as BlockActionsPayload
    } catch {
      return c.json({ error: 'no interaction payload' }, 400)
    }
    const action = payload.actions?.[0]
    const actionId = str(action?.action_id)
    if (
      payload.type !== 'block_actions' ||
      (actionId !== APPROVE_ACTION_ID && actionId !== REJECT_ACTION_ID)
    ) {
      return c.body(null, 200)
    }
    const approvalId = str(action?.value)
    const userId = str(payload.user?.id)
    const channel = str(payload.channel?.id) ?? str(payload.container?.channel_id)
    const ts = str(payload.message?.ts) ?? str(payload.container?.message_ts)
    if (approvalId === null || userId === null)
      return c.json({ error: 'incomplete interaction payload' }, 400)

    const tell = async (text: string) => {
      if (channel !== null) await callSlack(config, 'chat.postEphemeral', { channel, user: userId, text })
    }
    const mapped = Object.hasOwn(config.users, userId) ? config.users[userId] : undefined
    if (!mapped) {
      const text = `You are not mapped to an Airlock approver, so your decision on \`${approvalId}\` was not recorded. Ask an administrator to add your Slack user id (${userId}).`
      await tell(text)
      return c.json({ error: text }, 403)
    }
    const approver: Principal = {
      actor_id: mapped.actor_id,
      roles: mapped.roles ?? [],
      groups: [],
      scopes: [],
      tenant_id: mapped.tenant_id ?? DEFAULT_TENANT,
      delegation_chain: [],
      auth: 'slack',
    }
    const who = `<@${userId}> (${slackEscape(mapped.actor_id)})`
    // The button press carries no inputs: ask whether the message it came from could show them whole.
    const shown = await airlock.approvals
      .get(approver, approvalId)
      .then((a) => slackShowsInFull(a.inputs))
      .catch(() => true)
    const decide = { approver, comment: `via slack by ${userId}`, channel: 'slack', shown_in_full: shown }
    let outcome: string
    let decided = true
    try {
      if (actionId === APPROVE_ACTION_ID) {
        const result = await airlock.approvals.approve(approvalId, decide)
        outcome =
          result.status === 'pending'
            ? `Approval ${result.approval.votes.length} of ${result.approval.required_approvals} by ${who}; waiting for more approvers`
            : `:white_check_mark: Approved by ${who}`
        decided = result.status !== 'pending'
      } else {
        await airlock.approvals.reject(approvalId, decide)
        outcome = `:no_entry: Rejected by ${who}`
      }
    } catch (error) {
      const message = AirlockError.isInstance(error) ? error.message : 'the decision could not be recorded'
      await tell(`Not recorded: ${slackEscape(message)}`)
      return c.json({ error: message }, AirlockError.isInstance(error) ? 409 : 500)
    }
    if (channel !== null && ts !== null) {
      const blocks = Array.isArray(payload.message?.blocks)
        ? (payload.message.blocks as { type?: unknown }[])
        : []
      const kept = decided ? blocks.filter((b) => b.type !== 'actions') : blocks
      await callSlack(config, 'chat.update', {
        channel,
        ts,
        text: outcome,
        blocks: [...kept, { type: 'context', elements: [{ type: 'mrkdwn', text: outcome }] }],
      })
    }
    return c.json({ ok: true, outcome })
  })
  return app
}
