import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { sqliteStore } from '../../src/store/sqlite/index.js'
import { startGateway, stopAll } from '../e2e/helpers/gateway-process.js'
import { parsePrometheusText, sampleValue } from '../helpers/prometheus-text.js'
import { sampleEvent } from '../store/conformance.js'
import { readShippedDir, upTo } from './shipped-lines.js'

let tmp = ''
afterAll(async () => {
  await stopAll()
  if (tmp) await rm(tmp, { recursive: true, force: true })
}, 60_000)

describe('airlock serve with a shipping section', () => {
  it('runs the configured shippers beside the gateway, and they resume from their cursor', async () => {
    tmp = await mkdtemp(join(tmpdir(), 'airlock-serve-ship-'))
    const db = join(tmp, 'airlock.db')
    const store = sqliteStore({ path: db })
    await store.migrate()
    for (let i = 0; i < 4; i++) await store.audit.append([sampleEvent()])
    await store.close()
    const config = join(tmp, 'airlock.config.yaml')
    await writeFile(
      config,
      [
        `store: sqlite:${db}`,
        'seal: { key_file: ./seal.key }',
        'auth: { anonymous: true }',
        'dashboard: { enabled: false }',
        'metrics: { token: scrape-token-0123456789 }',
        'shipping:',
        '  poll_interval: 50ms',
        '  shippers:',
        '    - { name: archive, type: files, dir: ./shipped }',
        '',
      ].join('\n'),
    )
    const gateway = await startGateway(['--config', config, '--port', '0'])
    expect(gateway.stdout()).toContain('shipping audit events to archive')
    const shipped = () =>
      readShippedDir(join(tmp, 'shipped')).flatMap((f) => f.shipped.events.map((e) => e.seq))
    await vi.waitFor(() => expect(shipped()).toEqual(upTo(4)), { timeout: 30_000, interval: 100 })
    expect(await gateway.stop()).toBe(0)

    // Committed while the gateway was down: shipped on the next start, nothing twice.
    const again = sqliteStore({ path: db })
    await again.audit.append([sampleEvent(), sampleEvent()])
    await again.close()
    const restarted = await startGateway(['--config', config, '--port', '0'])
    await vi.waitFor(() => expect(shipped()).toEqual(upTo(6)), { timeout: 30_000, interval: 100 })
    // Caught up: /metrics shows the shipper with nothing left to deliver.
    const lag = async () => {
      const scraped = await fetch(`${restarted.url}/metrics`, {
        headers: { authorization: 'Bearer scrape-token-0123456789' },
      })
      return parsePrometheusText(await scraped.text())
    }
    await vi.waitFor(
      async () => {
        const samples = await lag()
        const named = samples.filter((x) => x.name === 'airlock_shipper_lag_events')
        expect(named.map((x) => x.labels.shipper)).toEqual(['archive'])
        expect(sampleValue(samples, 'airlock_shipper_lag_events', { shipper: 'archive' })).toBe(0)
      },
      { timeout: 30_000, interval: 100 },
    )
    expect(await restarted.stop()).toBe(0)
  }, 300_000)
})
