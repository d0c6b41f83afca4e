// needs-services: postgres
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { canonicalJson } from '../../src/audit/canonical-json.js'
import { createShipper } from '../../src/shipping/shipper.js'
import { syslogSink } from '../../src/shipping/syslog-sink.js'
import { memoryStore } from '../../src/store/memory/index.js'
import type { Store } from '../../src/store/store.js'
import { startFakeSyslog } from '../helpers/fake-syslog.js'
import { sampleEvent } from '../store/conformance.js'
import { shippingBackends } from './backends.js'
import { dedupeBySeq, upTo } from './shipped-lines.js'

const { backends, cleanup } = shippingBackends('syslog')
afterAll(cleanup)
const fast = { poll_interval_ms: 20, backoff: { initial_ms: 20, max_ms: 100 } }

async function appendEvents(store: Store, n: number, status: 'allowed' | 'denied' = 'allowed') {
  for (let i = 0; i < n; i++) await store.audit.append([sampleEvent({ status })])
}

/** A throwaway self-signed certificate for 127.0.0.1. */
function selfSigned(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-syslog-tls-'))
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
    ],
    { stdio: 'ignore' },
  )
  return {
    key: readFileSync(join(dir, 'key.pem'), 'utf8'),
    cert: readFileSync(join(dir, 'cert.pem'), 'utf8'),
  }
}

describe('syslog sink', () => {
  it('sends each event as an octet-counted RFC 5424 message carrying the canonical event', async () => {
    const receiver = await startFakeSyslog()
    const store = memoryStore()
    await appendEvents(store, 2)
    await appendEvents(store, 1, 'denied')
    const sink = syslogSink({ host: '127.0.0.1', port: receiver.port, hostname: 'gw-1' })
    const shipper = createShipper({ name: 'siem', store, sink })
    expect(await shipper.pass()).toBe(3)
    await shipper.stop()
    await vi.waitFor(() => expect(receiver.messages).toHaveLength(3))
    const [event] = await store.audit.range(0, 1)
    // facility 13 (log audit) × 8 + severity 6 (informational); a denial is a warning (4).
    expect(receiver.messages[0]).toBe(
      `<110>1 ${event!.ts} gw-1 airlock - allowed [airlock@32473 seq="1" hash="${event!.hash}" tenant="acme"] \uFEFF${canonicalJson(event)}`,
    )
    expect(receiver.messages[2]).toMatch(/^<108>1 \S+ gw-1 airlock - denied \[airlock@32473 seq="3" /)
    await receiver.close()
  })

  it('connects over TLS, verifying the receiver certificate', async () => {
    const { key, cert } = selfSigned()
    const receiver = await startFakeSyslog({ key, cert })
    const store = memoryStore()
    await appendEvents(store, 4)
    const untrusted = createShipper({
      name: 'siem',
      store,
      sink: syslogSink({ host: '127.0.0.1', port: receiver.port, tls: true }),
    })
    await expect(untrusted.pass()).rejects.toThrow(/self-signed|self signed/)
    await untrusted.stop()
    const trusted = createShipper({
      name: 'siem',
      store,
      sink: syslogSink({ host: '127.0.0.1', port: receiver.port, tls: { ca: cert } }),
    })
    expect(await trusted.pass()).toBe(4)
    await trusted.stop()
    await vi.waitFor(() => expect(receiver.seqs()).toEqual(upTo(4)))
    await receiver.close()
  })
})

describe.each(backends)('syslog shipping on $name', (backend) => {
  it('loses nothing while the listener is down, then delivers in order, across a restart', async () => {
    const receiver = await startFakeSyslog()
    const { store, reopen } = backend.fresh()
    await store.migrate()
    const sink = () => syslogSink({ host: '127.0.0.1', port: receiver.port, timeout_ms: 2_000 })
    const shipper = createShipper({ name: 'siem', store, sink: sink(), batch_size: 4, ...fast })
    shipper.start()
    await appendEvents(store, 5)
    await vi.waitFor(() => expect(receiver.seqs()).toEqual(upTo(5)), { timeout: 10_000 })

    await receiver.down()
    await appendEvents(store, 7)
    await vi.waitFor(() => expect(shipper.lag()).toBe(7), { timeout: 10_000 })
    await shipper.stop()
    if (backend.name !== 'memory') await store.close()

    const again = reopen()
    await again.migrate()
    await receiver.up()
    const resumed = createShipper({ name: 'siem', store: again, sink: sink(), batch_size: 4, ...fast })
    resumed.start()
    await appendEvents(again, 2)
    await vi.waitFor(() => expect(dedupeBySeq(receiver.seqs())).toEqual(upTo(14)), { timeout: 10_000 })
    await resumed.stop()
    // At least once: anything seen twice is a re-sent batch, never an event out of order.
    expect(new Set(receiver.seqs()).size).toBe(14)
    if (backend.name !== 'memory') await again.close()
    await receiver.close()
  })
})
