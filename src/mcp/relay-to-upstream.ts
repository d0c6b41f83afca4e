/**
 * What the proxy passes through untouched: every request that is not a tool
 * call, and every notification from the client.
 *
 * @module
 */
import type { Server } from '@modelcontextprotocol/sdk/server/index.js'
import { ResultSchema } from '@modelcontextprotocol/sdk/types.js'
import type { Upstream } from './upstream.js'

/**
 * Relays to `upstream` whatever `proxy` has no handler for: resources,
 * prompts, completions, logging level, and client notifications.
 *
 * @remarks The client's cancellation aborts the relayed request (the SDK
 * tells the upstream), and upstream progress goes back under the client's
 * own progress token.
 */
export function relayToUpstream(proxy: Server, upstream: Upstream): void {
  proxy.fallbackRequestHandler = async (request, extra) => {
    const client = await upstream.client()
    const token = extra._meta?.progressToken
    return client.request({ method: request.method, params: request.params } as never, ResultSchema, {
      signal: extra.signal,
      ...(token === undefined
        ? {}
        : {
            onprogress: (p) =>
              void extra
                .sendNotification({
                  method: 'notifications/progress',
                  params: { ...p, progressToken: token },
                })
                .catch(() => undefined),
          }),
    })
  }
  proxy.fallbackNotificationHandler = async (notification) => {
    const client = await upstream.client().catch(() => null)
    await client?.notification(notification as never).catch(() => undefined)
  }
}
