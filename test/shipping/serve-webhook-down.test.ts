/**
 * `airlock serve` with a webhook shipper whose receiver is down: agents'
 * executes still succeed and are audited, and the shipper delivers them all
 * once the receiver is back.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { hashApiKey } from '../../src/identity/auth/generate-api-key.js'
import { sqliteStore } from '../../src/store/sqlite/index.js'
import { client, startGateway, stopAll } from '../e2e/helpers/gateway-process.js'
import { type FakeAuditWebhook, startFakeAuditWebhook } from '../helpers/fake-audit-webhook.js'

const fixtures = fileURLToPath(new URL('../../src/config/test-fixtures/', import.meta.url))
const SECRET = 'audit-webhook-secret-0123456789'
let tmp = ''
let receiver: FakeAuditWebhook | undefined
afterAll(async () => {
  await stopAll()
  await receiver?.close()
  if (tmp) await rm(tmp, { recursive: true, force: true })
}, 60_000)

describe('airlock serve with its webhook receiver down', () => {
  it('answers executes 2xx and audits them, and ships them all once the receiver returns', async () => {
    tmp = await mkdtemp(join(tmpdir(), 'airlock-serve-webhook-down-'))
    receiver = await startFakeAuditWebhook(SECRET)
    await receiver.down()
    const db = join(tmp, 'airlock.db')
    await writeFile(
      join(tmp, 'p.yaml'),
      'rules:\n  - { name: echo-ok, match: { actions: [echo] }, decision: allow, reason: harmless }\n',
    )
    const config = join(tmp, 'airlock.config.yaml')
    await writeFile(
      config,
      `store: sqlite:${db}
seal: { key_file: ./seal.key }
modules: [${join(fixtures, 'ops-actions.mjs')}]
policies: [./p.yaml]
auth:
  api_keys:
    - { id: agent, sha256: ${hashApiKey('ak_agent')}, actor_id: agent-1, roles: [agent] }
dashboard: { enabled: false }
shipping:
  poll_interval: 50ms
  max_backoff: 200ms
  shippers:
    - { name: soc, type: webhook, url: '${receiver.url}', secret: ${SECRET}, allow_private: true, max_attempts: 1, timeout: 2s }
`,
    )
    const gateway = await startGateway(['--config', config, '--port', '0'])
    const agent = client(gateway.url, 'ak_agent')
    const ids: string[] = []
    for (let i = 0; i < 5; i++) {
      const res = await agent('POST', '/actions/echo/execute', { inputs: { message: `m${i}` } })
      expect(res.status).toBe(200)
      ids.push(String(res.body.request_id))
    }
    expect(receiver.seqs).toEqual([])

    await receiver.up()
    const shippedExecuted = () =>
      receiver!.payloads.flatMap((p) => p.events).filter((e) => e.status === 'executed')
    await vi.waitFor(
      () =>
        expect(
          shippedExecuted()
            .map((e) => e.request_id)
            .sort(),
        ).toEqual([...ids].sort()),
      { timeout: 30_000, interval: 100 },
    )
    expect(await gateway.stop()).toBe(0)

    // Every answered execute is in the chain, and the receiver got the chain in order, each event once.
    const store = sqliteStore({ path: db })
    const head = await store.audit.list({}, 1000)
    await store.close()
    const executed = head.items.filter((e) => e.status === 'executed').map((e) => e.request_id)
    expect(executed.sort()).toEqual([...ids].sort())
    const seqs = [...new Set(receiver.seqs)]
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1))
  }, 120_000)
})
