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
import { deliverSigned, type SignedWebhookConfig } from '../approvals/channels/webhook/signed-delivery.js'
import type { AuditEvent } from '../audit/audit-event.js'
import { AirlockError } from '../errors/airlock-error.js'
import { ErrorCode } from '../errors/error-codes.js'
import type { Sink } from './sink.js'

/** Options of {@link webhookSink}; `max_attempts` (per delivery) defaults to 3. */
export type WebhookSinkConfig = SignedWebhookConfig

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
      try {
        await deliverSigned(config, body, { user_agent: 'airlock-shipper', default_attempts: 3 })
      } catch (error) {
        throw new Error(`audit webhook delivery failed: ${(error as Error).message}`)
      }
    },
  }
}
