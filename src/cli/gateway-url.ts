/**
 * Checking a gateway URL before an API key is sent to it.
 *
 * @module
 */
import { isIP } from 'node:net'
import type { Command } from 'commander'
import { UsageError } from './usage-error.js'

function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase()
  if (host === 'localhost' || host.endsWith('.localhost')) return true
  if (isIP(host) === 4) return host.startsWith('127.')
  return host === '::1'
}

/**
 * `url` when it is `https://`, or `http://` to this machine. Plain `http://`
 * elsewhere would carry the API key in clear, so it needs `insecure`.
 *
 * @throws UsageError naming the URL otherwise.
 */
export function checkGatewayUrl(url: string, insecure: boolean): string {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new UsageError(`--url must start with http:// or https://, got '${url}'`)
  }
  if (parsed.protocol === 'https:') return url
  if (parsed.protocol !== 'http:') {
    throw new UsageError(`--url must start with http:// or https://, got '${url}'`)
  }
  if (isLoopback(parsed.hostname) || insecure) return url
  throw new UsageError(
    `refusing to send the API key in clear to ${parsed.host} over http://; use https://, or pass --insecure if the network is trusted`,
  )
}

/** The `--insecure` flag every command that sends the API key to `--url` offers, worded once. */
export function withInsecureOption(command: Command): Command {
  return command.option(
    '--insecure',
    'allow plain http:// to a host other than this machine (sends the API key in clear)',
  )
}
