/**
 * Signing webhook bodies so receivers can tell Airlock sent them.
 *
 * @module
 */
import { createHmac } from 'node:crypto'
import { secretEqual } from '../../../internal/secret-equal.js'

/** The header carrying the signature. */
export const WEBHOOK_SIGNATURE_HEADER = 'X-Airlock-Signature'

/** `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`. */
export function signWebhook(secret: string, body: string, unix_seconds: number): string {
  const mac = createHmac('sha256', secret).update(`${unix_seconds}.${body}`).digest('hex')
  return `t=${unix_seconds},v1=${mac}`
}

/** Options of {@link verifyWebhookSignature}. */
export interface VerifyWebhookOptions {
  /** Oldest acceptable signature, in seconds. Default 300. */
  readonly tolerance_s?: number
  /** Current unix time in seconds, for tests. */
  readonly now_s?: number
}

/**
 * Checks a signature header against the raw body, for receivers.
 *
 * @remarks Compares in constant time and refuses signatures older (or more
 * in the future) than the tolerance, so a captured request cannot be replayed
 * later. Verify the raw bytes before parsing them.
 */
export function verifyWebhookSignature(
  secret: string,
  header: string | null | undefined,
  body: string,
  options: VerifyWebhookOptions = {},
): boolean {
  if (typeof header !== 'string') return false
  const parts = new Map<string, string[]>()
  for (const piece of header.split(',')) {
    const at = piece.indexOf('=')
    if (at <= 0) continue
    const key = piece.slice(0, at).trim()
    parts.set(key, [...(parts.get(key) ?? []), piece.slice(at + 1).trim()])
  }
  const t = parts.get('t')?.[0]
  if (t === undefined || !/^\d{1,12}$/.test(t)) return false
  const now = options.now_s ?? Math.floor(Date.now() / 1000)
  if (Math.abs(now - Number(t)) > (options.tolerance_s ?? 300)) return false
  const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')
  return (parts.get('v1') ?? []).some((candidate) => secretEqual(candidate, expected))
}
