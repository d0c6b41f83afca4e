/**
 * The webhook channel: a signed POST of the approval notice.
 *
 * @module
 */
import { AirlockError } from '../../../errors/airlock-error.js'
import { ErrorCode } from '../../../errors/error-codes.js'
import type { ApprovalNotice, Channel } from '../channel.js'
import { deliverSigned, type SignedWebhookConfig } from './signed-delivery.js'

/** Options of {@link webhookChannel}; `max_attempts` defaults to 4. */
export type WebhookChannelConfig = SignedWebhookConfig

/** The JSON a receiver gets. */
export interface WebhookPayload {
  readonly type: 'approval.requested'
  readonly notice: ApprovalNotice
}

/**
 * Posts each notice as JSON, signed with `X-Airlock-Signature:
 * t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>` (check it with
 * `verifyWebhookSignature`). Receivers decide through the gateway's
 * `POST /approvals/{id}/approve|reject`.
 *
 * @remarks Network errors, timeouts, 429 and 5xx are retried with exponential
 * backoff up to `max_attempts`; other statuses (including redirects, which
 * are never followed) fail at once. The destination is resolved once per
 * attempt and must not be private unless `allow_private` is set.
 */
export function webhookChannel(config: WebhookChannelConfig): Channel {
  if (typeof config?.url !== 'string' || typeof config.secret !== 'string' || config.secret === '') {
    throw new AirlockError(ErrorCode.CONFIG_INVALID, 'webhookChannel needs a url and a non-empty secret')
  }
  return {
    name: 'webhook',
    async notify(notice, options) {
      const body = JSON.stringify({ type: 'approval.requested', notice } satisfies WebhookPayload)
      try {
        await deliverSigned(config, body, {
          user_agent: 'airlock-webhook',
          default_attempts: 4,
          signal: options.signal,
        })
      } catch (error) {
        throw new Error(`webhook delivery failed: ${(error as Error).message}`)
      }
      return null
    },
  }
}
