/**
 * One HTTP POST to an address resolved once and checked before connecting.
 *
 * @module
 */
import { lookup as dnsLookup } from 'node:dns/promises'
import { type ClientRequest, request as httpRequest, type IncomingMessage } from 'node:http'
import { request as httpsRequest } from 'node:https'
import type { LookupFunction } from 'node:net'
import { isIP } from 'node:net'
import { isPrivateAddress } from './private-address.js'

/** Options of {@link pinnedPost}. */
export interface PinnedPostOptions {
  readonly headers: Readonly<Record<string, string>>
  readonly allow_private: boolean
  readonly timeout_ms: number
}

/** Options of {@link pinnedRequest}: a method other than POST, and a signal that cancels the call. */
export interface PinnedRequestOptions extends PinnedPostOptions {
  readonly method: string
  readonly signal?: AbortSignal
}

/** A response, or why there is none. `retryable` is false when trying again cannot help. */
export type PinnedPostResult =
  | { readonly ok: true; readonly status: number; readonly body: string }
  | { readonly ok: false; readonly retryable: boolean; readonly error: string }

const MAX_RESPONSE_BYTES = 64 * 1024

/**
 * POSTs `body` to `url` without trusting DNS twice.
 *
 * @remarks The host is resolved once (every address), every address is
 * checked against {@link isPrivateAddress} unless `allow_private`, and the
 * connection goes to the first of those very addresses: a second lookup
 * (DNS rebinding) cannot move it. TLS still verifies the certificate against
 * the host name. Redirects are not followed (a 3xx is returned as is).
 */
export function pinnedPost(url: string, body: string, options: PinnedPostOptions): Promise<PinnedPostResult> {
  return pinnedRequest(url, body, { ...options, method: 'POST' })
}

/** {@link pinnedPost} with any method; `body` undefined sends none. The same address checks apply. */
export async function pinnedRequest(
  url: string,
  body: string | undefined,
  options: PinnedRequestOptions,
): Promise<PinnedPostResult> {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return { ok: false, retryable: false, error: 'invalid webhook URL' }
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    return { ok: false, retryable: false, error: `refused: scheme ${parsed.protocol} is not http or https` }
  }
  if (parsed.username !== '' || parsed.password !== '') {
    return { ok: false, retryable: false, error: 'refused: credentials in the webhook URL' }
  }
  // WHATWG URL already normalised 127.1, 0x7f000001 and friends to dotted form; IPv6 keeps brackets.
  const host = parsed.hostname.startsWith('[') ? parsed.hostname.slice(1, -1) : parsed.hostname
  let addresses: { address: string; family: number }[]
  if (isIP(host) !== 0) addresses = [{ address: host, family: isIP(host) }]
  else {
    try {
      addresses = await dnsLookup(host, { all: true, verbatim: true })
    } catch (error) {
      return { ok: false, retryable: true, error: `cannot resolve ${host}: ${(error as Error).message}` }
    }
  }
  const first = addresses[0]
  if (first === undefined) return { ok: false, retryable: true, error: `${host} has no address` }
  if (!options.allow_private) {
    const bad = addresses.find((a) => isPrivateAddress(a.address))
    if (bad) {
      return {
        ok: false,
        retryable: false,
        error: `refused: ${host} is a private, loopback or link-local address (${bad.address}); set allow_private to send there`,
      }
    }
  }
  const pinned: LookupFunction = (_hostname, lookupOptions, callback) => {
    if ((lookupOptions as { all?: boolean }).all) {
      ;(callback as (e: null, a: { address: string; family: number }[]) => void)(null, [first])
    } else callback(null, first.address, first.family)
  }
  const send = parsed.protocol === 'https:' ? httpsRequest : httpRequest
  return new Promise((resolve) => {
    let settled = false
    let deadline: NodeJS.Timeout | undefined
    const settle = (result: PinnedPostResult) => {
      if (settled) return
      settled = true
      clearTimeout(deadline)
      resolve(result)
    }
    let req: ClientRequest
    try {
      req = send(
        {
          protocol: parsed.protocol,
          hostname: host,
          port: parsed.port === '' ? undefined : Number(parsed.port),
          path: `${parsed.pathname}${parsed.search}`,
          method: options.method,
          headers:
            body === undefined
              ? { ...options.headers }
              : { ...options.headers, 'content-length': Buffer.byteLength(body).toString() },
          lookup: pinned,
          agent: false,
          timeout: options.timeout_ms,
          ...(options.signal ? { signal: options.signal } : {}),
        },
        (res: IncomingMessage) => {
          const chunks: Buffer[] = []
          let size = 0
          const answered = () =>
            settle({ ok: true, status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') })
          res.on('data', (chunk: Buffer) => {
            const room = MAX_RESPONSE_BYTES - size
            size += chunk.length
            if (size <= MAX_RESPONSE_BYTES) return void chunks.push(chunk)
            // The answer is kept up to the limit, and the rest is not read.
            chunks.push(chunk.subarray(0, room))
            answered()
            res.destroy()
          })
          res.on('end', answered)
          res.on('error', (error) => settle({ ok: false, retryable: true, error: error.message }))
        },
      )
    } catch (error) {
      // A request Node refuses to build (a header value with a line break): nothing was sent.
      return settle({
        ok: false,
        retryable: false,
        error: `the request cannot be sent: ${(error as Error).message}`,
      })
    }
    // `timeout` above is the socket's idle time: a receiver that sends a byte now and then would hold the request for ever.
    deadline = setTimeout(
      () => req.destroy(new Error(`no complete response within ${options.timeout_ms} ms`)),
      options.timeout_ms,
    )
    req.on('timeout', () => req.destroy(new Error(`no response within ${options.timeout_ms} ms`)))
    req.on('error', (error) => settle({ ok: false, retryable: true, error: error.message }))
    req.end(body)
  })
}
