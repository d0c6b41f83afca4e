/**
 * A small HTTP load balancer for tests: each request goes to the next
 * backend in turn; a backend that cannot be reached answers 502, like a
 * real balancer without retries (so a test sees every failure).
 *
 * @module
 */
import { createServer, type IncomingMessage, request, type ServerResponse } from 'node:http'

export interface RoundRobinProxy {
  readonly url: string
  close(): Promise<void>
}

export async function startRoundRobinProxy(backends: readonly string[]): Promise<RoundRobinProxy> {
  let next = 0
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const target = new URL(backends[next++ % backends.length] ?? '')
    const upstream = request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: target.host, connection: 'close' },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(res)
      },
    )
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' })
      res.end('backend unreachable')
    })
    req.pipe(upstream)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('no port')
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
