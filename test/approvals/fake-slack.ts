import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

/** One Web API call the fake Slack received. */
export interface SlackCall {
  readonly method: string
  readonly authorization: string | undefined
  readonly body: Record<string, unknown>
}

/** A stand-in for Slack's Web API on 127.0.0.1 that records every call. */
export async function startFakeSlack(): Promise<{
  url: string
  calls: SlackCall[]
  close: () => Promise<void>
}> {
  const calls: SlackCall[] = []
  let next = 1
  const server: Server = createServer((req, res) => {
    let raw = ''
    req.on('data', (chunk: Buffer) => {
      raw += chunk.toString('utf8')
    })
    req.on('end', () => {
      const method = (req.url ?? '').replace(/^\/api\//, '')
      const body = JSON.parse(raw || '{}') as Record<string, unknown>
      calls.push({ method, authorization: req.headers.authorization, body })
      res.setHeader('content-type', 'application/json')
      if (req.headers.authorization !== 'Bearer xoxb-test') {
        res.end(JSON.stringify({ ok: false, error: 'invalid_auth' }))
        return
      }
      const ts = `1700000000.${String(next++).padStart(6, '0')}`
      res.end(JSON.stringify({ ok: true, channel: body.channel, ts }))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/api`,
    calls,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
