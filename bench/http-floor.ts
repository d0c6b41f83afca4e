/**
 * The throughput table's floor: Node's own HTTP server answering the same
 * `POST` with a fixed JSON body, in the benchmark's process, loaded by the
 * same generator over the same connections. It reads the whole body and
 * checks the bearer token's presence, nothing more, so its figure is what
 * this machine and this load generator can do over HTTP at all: the
 * gateway's rows are read against it, not against the disk alone.
 *
 * @module
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

const ANSWER = JSON.stringify({ status: 'executed', result: { sum: 3 } })

/** A listening floor server; `url` takes the benchmark's requests. */
export interface HttpFloor {
  readonly server: Server
  readonly url: string
  close(): Promise<void>
}

/** Starts the floor server on a loopback port. */
export async function startHttpFloor(): Promise<HttpFloor> {
  const server = createServer((request, response) => {
    request.resume()
    request.on('end', () => {
      const authorized = request.headers.authorization?.startsWith('Bearer ') === true
      response.writeHead(authorized ? 200 : 401, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(ANSWER),
      })
      response.end(ANSWER)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/actions/add/execute`
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    })
  return { server, url, close }
}
