import { isIP } from 'node:net'
import { AirlockError } from '../../errors/airlock-error.js'
import { ErrorCode } from '../../errors/error-codes.js'

function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '')
  if (host === 'localhost' || host === '::1') return true
  return isIP(host) === 4 && host.startsWith('127.')
}

/**
 * An endpoint override must be `https:`, or `http:` on a loopback host (a
 * local S3-compatible store or emulator): signed requests and their payloads
 * never cross a network in clear text.
 */
export function checkEndpoint(field: string, value: string): void {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new AirlockError(
      ErrorCode.CONFIG_INVALID,
      `${field}: '${value}' is not a URL; expected e.g. https://s3.example.com`,
    )
  }
  if (url.protocol === 'https:') return
  if (url.protocol === 'http:' && isLoopback(url.hostname)) return
  throw new AirlockError(
    ErrorCode.CONFIG_INVALID,
    `${field}: '${value}' must use https (http is accepted only for loopback hosts such as 127.0.0.1)`,
  )
}
