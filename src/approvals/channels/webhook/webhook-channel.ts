/**
 * The webhook channel: a signed POST of the approval notice.
 *
 * @module
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { AirlockError } from '../../../errors/airlock-error.js'
import { ErrorCode } from '../../../errors/error-codes.js'
import type { ApprovalNotice, Channel } from '../channel.js'
import { pinnedPost } from './pinned-post.js'
import { signWebhook, WEBHOOK_SIGNATURE_HEADER } from './webhook-signature.js'

/** Options of {@link webhookChannel}. */
export interface WebhookChannelConfig {
  /** Where notices go; http or https. */
  readonly url: string
  /** Shared secret for `X-Airlock-Signature`. */
  readonly secret: string
  /** Allow private, loopback and link-local destinations. Default false. */
  readonly allow_private?: boolean
  /** Attempts in all, including the first. Default 4. */
  readonly max_attempts?: number
  /** Delay before the first retry; doubles each time. Default 500 ms. */
  readonly base_delay_ms?: number
  /** Per-attempt time limit. Default 10 s. */
  readonly timeout_ms?: number
  /** Extra headers (e.g. an API key the receiver wants). */
  readonly headers?: Readonly<Record<string, string>>
}

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
  const attempts = Math.max(1, Math.floor(config.max_attempts ?? 4))
  const baseDelay = Math.max(0, config.base_delay_ms ?? 500)
  return {
    name: 'webhook',
    async notify(notice, options) {
      const body = JSON.stringify({ type: 'approval.requested', notice } satisfies WebhookPayload)
      let last = ''
      for (let attempt = 1; attempt <= attempts; attempt++) {
        const result = await pinnedPost(config.url, body, {
          headers: {
            ...config.headers,
            'content-type': 'application/json',
            'user-agent': 'airlock-webhook',
            [WEBHOOK_SIGNATURE_HEADER]: signWebhook(config.secret, body, Math.floor(Date.now() / 1000)),
          },
          allow_private: config.allow_private ?? false,
          timeout_ms: config.timeout_ms ?? 10_000,
        })
        if (result.ok && result.status >= 200 && result.status < 300) return null
        const retryable = result.ok ? result.status === 429 || result.status >= 500 : result.retryable
        last = result.ok ? `HTTP ${result.status}` : result.error
        if (!retryable || attempt === attempts || options.signal.aborted) break
        await sleep(baseDelay * 2 ** (attempt - 1)).catch(() => undefined)
      }
      throw new Error(`webhook delivery failed: ${last}`)
    },
  }
}
