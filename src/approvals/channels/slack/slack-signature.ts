/**
 * Slack's request signing (v0), for the interactions endpoint.
 *
 * @module
 */
import { createHmac } from 'node:crypto'
import { secretEqual } from '../../../internal/secret-equal.js'

/** `v0=<hex HMAC-SHA256(signing_secret, "v0:<timestamp>:<raw body>")>`. */
export function signSlackRequest(signing_secret: string, timestamp: string, body: string): string {
  return `v0=${createHmac('sha256', signing_secret).update(`v0:${timestamp}:${body}`).digest('hex')}`
}

/**
 * Whether a request really comes from Slack, and recently.
 *
 * @remarks The timestamp must be within `tolerance_s` (default 300) of now in
 * either direction, which stops replays of captured requests; the signature
 * is compared in constant time over the raw body, before anything parses it.
 */
export function verifySlackRequest(
  signing_secret: string,
  timestamp: string | undefined,
  signature: string | undefined,
  body: string,
  options: { tolerance_s?: number; now_s?: number } = {},
): boolean {
  if (timestamp === undefined || signature === undefined || !/^\d{1,12}$/.test(timestamp)) return false
  const now = options.now_s ?? Math.floor(Date.now() / 1000)
  if (Math.abs(now - Number(timestamp)) > (options.tolerance_s ?? 300)) return false
  return secretEqual(signature, signSlackRequest(signing_secret, timestamp, body))
}
