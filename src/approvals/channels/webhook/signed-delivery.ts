/**
 * One signed JSON POST with retries: how the webhook channel and the audit
 * webhook shipper both deliver.
 *
 * @module
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { pinnedPost } from './pinned-post.js'
import { signWebhook, WEBHOOK_SIGNATURE_HEADER } from './webhook-signature.js'

/** Where and how to deliver; shared by the webhook channel and sink configs. */
export interface SignedWebhookConfig {
  /** http or https. */
  readonly url: string
  /** Shared secret for `X-Airlock-Signature`. */
  readonly secret: string
  /** Allow private, loopback and link-local destinations. Default false. */
  readonly allow_private?: boolean
  /** Attempts in all, including the first. */
  readonly max_attempts?: number
  /** Delay before the first retry; doubles each time. Default 500 ms. */
  readonly base_delay_ms?: number
  /** Per-attempt time limit. Default 10 s. */
  readonly timeout_ms?: number
  /** Extra headers (e.g. an API key the receiver wants). */
  readonly headers?: Readonly<Record<string, string>>
}

/** Per-caller settings of {@link deliverSigned}. */
export interface SignedDeliveryOptions {
  readonly user_agent: string
  /** Attempts when the config names none. */
  readonly default_attempts: number
  /** Stops retrying once aborted. */
  readonly signal?: AbortSignal
}

/**
 * POSTs `body`, signed afresh on each attempt, to the pinned destination.
 *
 * @remarks Network errors, timeouts, 429 and 5xx are retried with
 * exponential backoff; other statuses (redirects included, never followed)
 * fail at once.
 * @throws Error naming the last status or network error when no attempt got a 2xx.
 */
export async function deliverSigned(
  config: SignedWebhookConfig,
  body: string,
  options: SignedDeliveryOptions,
): Promise<void> {
  const attempts = Math.max(1, Math.floor(config.max_attempts ?? options.default_attempts))
  const baseDelay = Math.max(0, config.base_delay_ms ?? 500)
  let last = ''
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const result = await pinnedPost(config.url, body, {
      headers: {
        ...config.headers,
        'content-type': 'application/json',
        'user-agent': options.user_agent,
        [WEBHOOK_SIGNATURE_HEADER]: signWebhook(config.secret, body, Math.floor(Date.now() / 1000)),
      },
      allow_private: config.allow_private ?? false,
      timeout_ms: config.timeout_ms ?? 10_000,
    })
    if (result.ok && result.status >= 200 && result.status < 300) return
    const retryable = result.ok ? result.status === 429 || result.status >= 500 : result.retryable
    last = result.ok ? `HTTP ${result.status}` : result.error
    if (!retryable || attempt === attempts || options.signal?.aborted) break
    await sleep(baseDelay * 2 ** (attempt - 1)).catch(() => undefined)
  }
  throw new Error(last)
}
