/**
 * A fake audit webhook receiver for tests: a real HTTP server on loopback
 * that checks each request's HMAC signature and records the events it
 * accepted. It can be taken down and brought back on the same port, or made
 * to hold requests without answering.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { verifyWebhookSignature } from '../../src/approvals/channels/webhook/webhook-signature.js'
import type { AuditWebhookPayload } from '../../src/shipping/webhook-sink.js'

export interface FakeAuditWebhook {
  readonly url: string
  /** Seqs of accepted events, in the order they arrived. */
  readonly seqs: number[]
  /** Accepted payloads. */
  readonly payloads: AuditWebhookPayload[]
  /** Requests refused for a bad signature. */
  badSignatures: number
  /** While true, requests are held open and never answered. */
  hang: boolean
  down(): Promise<void>
  up(): Promise<void>
  close(): Promise<void>
}

export async function startFakeAuditWebhook(secret: string): Promise<FakeAuditWebhook> {
  let server: Server | null = null
  let port = 0
  const held: ServerResponse[] = []
  const fake: FakeAuditWebhook = {
    url: '',
    seqs: [],
    payloads: [],
    badSignatures: 0,
    hang: false,
    async down() {
      const s = server
      server = null
      for (const res of held.splice(0)) res.destroy()
      if (s) await new Promise<void>((resolve) => s.close(() => resolve()).closeAllConnections())
    },
    async up() {
      const s = createServer((req, res) => void handle(req, res))
      await new Promise<void>((resolve) => s.listen(port, '127.0.0.1', resolve))
      port = (s.address() as AddressInfo).port
      server = s
    },
    close: () => fake.down(),
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const body = Buffer.concat(chunks).toString('utf8')
    if (fake.hang) {
      held.push(res)
      return
    }
    if (!verifyWebhookSignature(secret, req.headers['x-airlock-signature'] as string | undefined, body)) {
      fake.badSignatures++
      res.writeHead(401).end()
      return
    }
    const payload = JSON.parse(body) as AuditWebhookPayload
    fake.payloads.push(payload)
    fake.seqs.push(...payload.events.map((e) => e.seq))
    res.writeHead(204).end()
  }

  await fake.up()
  Object.assign(fake, { url: `http://127.0.0.1:${port}/audit` })
  return fake
}
