/**
 * Which proxies to believe about the client's address.
 *
 * - `false` (default): the socket's peer address; `X-Forwarded-For` is ignored.
 * - `true`: the left-most `X-Forwarded-For` entry (every proxy is trusted).
 * - a number `n`: `n` proxies of yours sit in front; the address the last of them saw.
 */
export type TrustProxy = boolean | number

interface NodeBindings {
  readonly incoming?: { readonly socket?: { readonly remoteAddress?: string } }
}

/** The client's address as far as `trust` allows, or null when the runtime exposes no socket. */
export function clientAddress(request: Request, env: unknown, trust: TrustProxy): string | null {
  const peer = (env as NodeBindings | undefined)?.incoming?.socket?.remoteAddress ?? null
  if (trust === false || trust === 0) return peer
  const header = request.headers.get('x-forwarded-for')
  if (header === null) return peer
  const hops = header
    .split(',')
    .map((h) => h.trim())
    .filter((h) => h !== '')
  if (hops.length === 0) return peer
  if (trust === true) return hops[0] ?? peer
  // Each of our `trust` proxies appended the address it saw; the first of them saw the client.
  // Entries further left were sent by the client and prove nothing.
  return hops[Math.max(0, hops.length - trust)] ?? peer
}
