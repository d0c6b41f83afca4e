import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import type { ApprovalNotice } from '../../src/approvals/channels/channel.js'
import {
  isPrivateAddress,
  verifyWebhookSignature,
  type WebhookPayload,
  webhookChannel,
} from '../../src/approvals/channels/webhook/index.js'
import { guard } from '../../src/guard/guard.js'
import { createGuardRuntime } from '../../src/guard/guard-runtime.js'
import { localPrincipal } from '../../src/identity/principal.js'
import { memoryStore } from '../../src/store/memory/index.js'

const SECRET = 'whsec_test'
const closers: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const close of closers.splice(0)) await close()
})

interface Received {
  readonly signature: string | undefined
  readonly body: string
  readonly valid: boolean
}

async function receiver(answer: (attempt: number, req: IncomingMessage, res: ServerResponse) => void) {
  const received: Received[] = []
  const server = createServer((req, res) => {
    let body = ''
    req.on('data', (c: Buffer) => {
      body += c.toString('utf8')
    })
    req.on('end', () => {
      const signature = req.headers['x-airlock-signature'] as string | undefined
      received.push({ signature, body, valid: verifyWebhookSignature(SECRET, signature, body) })
      answer(received.length, req, res)
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  closers.push(() => new Promise<void>((r) => server.close(() => r())))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/airlock`, received }
}

const notice: ApprovalNotice = {
  approval_id: 'apr-000000000000000000000001',
  tenant_id: 'default',
  action: 'refund',
  description: 'Refund an order',
  inputs: { args: { amount: 5 } },
  reason: 'held',
  rule: 'always',
  risk: 'high',
  requester: 'agent',
  required_approvals: 1,
  created_at: '2026-01-01T00:00:00.000Z',
  expires_at: '2026-01-02T00:00:00.000Z',
}
const signal = new AbortController().signal

describe('webhook channel', () => {
  it('delivers a signed notice, and the decision comes back through the approvals API', async () => {
    const runtime = createGuardRuntime({ store: memoryStore() })
    closers.push(() => runtime.close())
    const hook = await receiver((_n, _req, res) => {
      res.statusCode = 204
      res.end()
      const payload = JSON.parse(hook.received.at(-1)!.body) as WebhookPayload
      // The receiver decides later, as a person would through the gateway's approve endpoint.
      setTimeout(
        () =>
          void runtime.airlock.approvals.approve(payload.notice.approval_id, {
            approver: localPrincipal('ops-oncall', { roles: ['approver'] }),
          }),
        50,
      )
    })
    const rotate = guard((service: string) => `rotated ${service}`, {
      action: 'rotate_keys',
      runtime,
      arg_names: ['service'],
      channels: [webhookChannel({ url: hook.url, secret: SECRET, allow_private: true })],
      poll_ms: 20,
    })
    await expect(rotate('billing')).resolves.toBe('rotated billing')
    expect(hook.received).toHaveLength(1)
    const [delivery] = hook.received
    expect(delivery?.valid).toBe(true)
    expect(delivery?.signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/)
    const payload = JSON.parse(delivery!.body) as WebhookPayload
    expect(payload).toMatchObject({
      type: 'approval.requested',
      notice: { action: 'rotate_keys', inputs: { args: { service: 'billing' } } },
    })
    expect(verifyWebhookSignature('wrong-secret', delivery?.signature, delivery!.body)).toBe(false)
    expect(verifyWebhookSignature(SECRET, delivery?.signature, `${delivery!.body} `)).toBe(false)
  })

  it('retries network errors and 5xx with backoff, up to the attempt limit', async () => {
    const hook = await receiver((attempt, _req, res) => {
      if (attempt === 1) res.socket?.destroy()
      else {
        res.statusCode = attempt < 3 ? 503 : 200
        res.end()
      }
    })
    const channel = webhookChannel({ url: hook.url, secret: SECRET, allow_private: true, base_delay_ms: 10 })
    await expect(channel.notify(notice, { signal })).resolves.toBeNull()
    expect(hook.received).toHaveLength(3)
    expect(hook.received.every((r) => r.valid)).toBe(true)

    const down = await receiver((_n, _req, res) => {
      res.statusCode = 500
      res.end()
    })
    const bounded = webhookChannel({
      url: down.url,
      secret: SECRET,
      allow_private: true,
      base_delay_ms: 5,
      max_attempts: 3,
    })
    await expect(bounded.notify(notice, { signal })).rejects.toThrow('HTTP 500')
    expect(down.received).toHaveLength(3)
  })

  it('follows no redirects and does not retry other client errors', async () => {
    const moved = await receiver((_n, _req, res) => {
      res.statusCode = 302
      res.setHeader('location', 'http://169.254.169.254/latest/meta-data/')
      res.end()
    })
    const channel = webhookChannel({ url: moved.url, secret: SECRET, allow_private: true, base_delay_ms: 5 })
    await expect(channel.notify(notice, { signal })).rejects.toThrow('HTTP 302')
    expect(moved.received).toHaveLength(1)
  })

  it.each([
    'http://127.0.0.1/',
    'http://127.1/',
    'http://0x7f000001/',
    'http://2130706433/',
    'http://[::1]/',
    'http://[::ffff:127.0.0.1]/',
    'http://[::ffff:7f00:1]/',
    'http://169.254.169.254/latest/meta-data/',
    'http://10.1.2.3/',
    'http://172.16.0.1/',
    'http://172.31.255.255/',
    'http://192.168.1.1/',
    'http://[fc00::1]/',
    'http://[fd12:3456::1]/',
    'http://[fe80::1]/',
    'http://0.0.0.0/',
    'http://localhost/',
  ])('refuses %s without allow_private, before sending anything', async (url) => {
    const channel = webhookChannel({ url, secret: SECRET, max_attempts: 1 })
    await expect(channel.notify(notice, { signal })).rejects.toThrow(
      /refused: .* private, loopback or link-local/,
    )
  })

  it('refuses schemes other than http and https', async () => {
    const channel = webhookChannel({ url: 'file:///etc/passwd', secret: SECRET })
    await expect(channel.notify(notice, { signal })).rejects.toThrow(/scheme file:/)
  })

  it('classifies addresses, including IPv4 hidden inside IPv6', () => {
    for (const ip of ['8.8.8.8', '1.1.1.1', '2606:4700:4700::1111', '172.32.0.1', '192.169.0.1']) {
      expect(isPrivateAddress(ip)).toBe(false)
    }
    for (const ip of [
      '127.0.0.1',
      '::1',
      '::ffff:10.0.0.1',
      '64:ff9b::a9fe:a9fe',
      '2002:c0a8:0101::1',
      '::',
      'fe80::1%eth0',
      'not-an-ip',
    ]) {
      expect(isPrivateAddress(ip)).toBe(true)
    }
  })
})
