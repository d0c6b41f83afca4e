/**
 * The webhook sink: each batch as one signed JSON POST.
 *
 * @remarks The body is {@link AuditWebhookPayload}, signed like the approval
 * webhook channel: `X-Airlock-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret,
 * "<t>.<body>")>` (receivers check it with `verifyWebhookSignature`). A 2xx
 * acknowledges the batch. Network errors, timeouts, 429 and 5xx are retried
 * with exponential backoff, then left to the shipper's own backoff; a 4xx or
 * a refused destination fails the pass at once. The destination goes through
 * the same private-address guard as the channel (resolved once, pinned,
 * refused when private unless `allow_private`).
 *
 * @module
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { pinnedPost } from '../approvals/channels/webhook/pinned-post.js'
import { signWebhook, WEBHOOK_SIGNATURE_HEADER } from '../approvals/channels/webhook/webhook-signature.js'
import type { AuditEvent } from '../audit/audit-event.js'
import { AirlockError } from '../errors/airlock-error.js'
import { ErrorCode } from '../errors/error-codes.js'
import type { Sink } from './sink.js'

/** Options of {@link webhookSink}. */
export interface WebhookSinkConfig {
  /** http or https. */
  readonly url: string
  /** Shared secret for `X-Airlock-Signature`. */
  readonly secret: string
  /** Allow private, loopback and link-local destinations. Default false. */
  readonly allow_private?: boolean
  /** Attempts per delivery, including the first. Default 3. */
  readonly max_attempts?: number
  /** Delay before the first retry; doubles each time. Default 500 ms. */
  readonly base_delay_ms?: number
  /** Per-attempt time limit. Default 10 s. */
  readonly timeout_ms?: number
  /** Extra headers (e.g. an API key the receiver wants). */
  readonly headers?: Readonly<Record<string, string>>
}

/** The JSON a receiver gets for each batch. */
export interface AuditWebhookPayload {
  readonly type: 'audit.events'
  readonly shipper: string
  /** Consecutive events in chain order. */
  readonly events: readonly AuditEvent[]
  /** The newest signed checkpoint when the batch was read, or null. */
  readonly checkpoint: { origin: string; size: number; root: string; note: string } | null
}

/** Creates a webhook sink. */
export function webhookSink(config: WebhookSinkConfig): Sink {
  if (typeof config?.url !== 'string' || typeof config.secret !== 'string' || config.secret === '') {
    throw new AirlockError(ErrorCode.CONFIG_INVALID, 'webhookSink needs a url and a non-empty secret')
  }
  const attempts = Math.max(1, Math.floor(config.max_attempts ?? 3))
  const baseDelay = Math.max(0, config.base_delay_ms ?? 500)
  return {
    kind: 'webhook',
    async deliver(batch) {
      const cp = batch.checkpoint
      const payload: AuditWebhookPayload = {
        type: 'audit.events',
        shipper: batch.shipper,
        events: batch.events,
        checkpoint: cp ? { origin: cp.origin, size: cp.size, root: cp.root, note: cp.note } : null,
      }
      const body = JSON.stringify(payload)
      let last = ''
      for (let attempt = 1; attempt <= attempts; attempt++) {
        const result = await pinnedPost(config.url, body, {
          headers: {
            ...config.headers,
            'content-type': 'application/json',
            'user-agent': 'airlock-shipper',
            [WEBHOOK_SIGNATURE_HEADER]: signWebhook(config.secret, body, Math.floor(Date.now() / 1000)),
          },
          allow_private: config.allow_private ?? false,
          timeout_ms: config.timeout_ms ?? 10_000,
        })
        if (result.ok && result.status >= 200 && result.status < 300) return
        const retryable = result.ok ? result.status === 429 || result.status >= 500 : result.retryable
        last = result.ok ? `HTTP ${result.status}` : result.error
        if (!retryable || attempt === attempts) break
        await sleep(baseDelay * 2 ** (attempt - 1))
      }
      throw new Error(`audit webhook delivery failed: ${last}`)
    },
  }
}
