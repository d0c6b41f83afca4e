import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, describe, expect, it } from 'vitest'
import { pinnedPost } from './pinned-post.js'

const servers: Server[] = []
afterAll(() => {
  for (const server of servers) server.closeAllConnections()
  return Promise.all(servers.map((s) => new Promise((done) => s.close(done))))
})

/** A loopback receiver answering with `answer`; its URL. */
async function receiver(answer: Parameters<typeof createServer>[1]): Promise<string> {
  const server = createServer(answer)
  servers.push(server)
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`
}

const post = (url: string, timeout_ms: number) =>
  pinnedPost(url, '{}', { headers: {}, allow_private: true, timeout_ms })

describe('pinnedPost against a receiver that never finishes', () => {
  it('gives up once the whole answer has taken longer than the timeout, however often bytes arrive', async () => {
    const url = await receiver((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' })
      // A byte every 50 ms: the socket is never idle for the timeout.
      const drip = setInterval(() => res.write('.'), 50)
      res.on('close', () => clearInterval(drip))
    })
    const started = Date.now()
    expect(await post(url, 400)).toEqual({
      ok: false,
      retryable: true,
      error: 'no complete response within 400 ms',
    })
    expect(Date.now() - started).toBeLessThan(5_000)
  })

  it('keeps 64 KiB of an endless answer and stops reading it', async () => {
    const url = await receiver((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' })
      const chunk = 'x'.repeat(16 * 1024)
      const pour = () => {
        while (res.write(chunk)) {
          // until the socket pushes back
        }
      }
      res.on('drain', pour)
      pour()
    })
    const answer = await post(url, 10_000)
    expect(answer).toMatchObject({ ok: true, status: 200 })
    expect((answer as { body: string }).body).toHaveLength(64 * 1024)
  })

  it('answers a request Node refuses to build without sending it, and without a timer left to fire', async () => {
    const url = await receiver((_req, res) => res.end('never reached'))
    const answer = await pinnedPost(url, '{}', {
      headers: { 'x-tag': 'a\nb' },
      allow_private: true,
      timeout_ms: 50,
    })
    expect(answer).toMatchObject({
      ok: false,
      retryable: false,
      error: expect.stringMatching(/^the request cannot be sent: /),
    })
    // Past the timeout: a deadline armed for a request never made would throw from its timer now.
    await new Promise((resolve) => setTimeout(resolve, 150))
  })
})
