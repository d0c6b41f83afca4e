import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { sqliteStore } from '../../src/store/sqlite/index.js'
import { captureCli } from '../helpers/capture-cli.js'
import { startFakeAuditWebhook } from '../helpers/fake-audit-webhook.js'
import { startFakeSyslog } from '../helpers/fake-syslog.js'
import { LOCAL_S3_CREDENTIALS, startLocalS3 } from '../helpers/local-s3.js'
import { sampleEvent } from '../store/conformance.js'
import { parseShipped, readShippedDir, upTo } from './shipped-lines.js'

const dir = mkdtempSync(join(tmpdir(), 'airlock-ship-cli-'))
const storeUrl = `sqlite:${join(dir, 'audit.db')}`
const cli = (argv: string[], env: Record<string, string> = {}) => captureCli(argv, dir, env)

beforeAll(async () => {
  const store = sqliteStore({ path: join(dir, 'audit.db') })
  await store.migrate()
  for (let i = 0; i < 7; i++) await store.audit.append([sampleEvent()])
  await store.close()
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('airlock audit ship', () => {
  it('copies the whole chain to a directory, and with --name only what is new since the last run', async () => {
    const all = await cli(['audit', 'ship', '--store', storeUrl, '--to', 'out-all'])
    expect(all.stdout).toContain('shipped 7 event(s) to out-all; up to seq 7')
    expect(readShippedDir(join(dir, 'out-all'))[0]!.shipped.events.map((e) => e.seq)).toEqual(upTo(7))

    const named = ['audit', 'ship', '--store', storeUrl, '--to', 'out-named', '--name', 'nightly']
    expect((await cli(named)).stdout).toContain('shipped 7 event(s)')
    const store = sqliteStore({ path: join(dir, 'audit.db') })
    await store.audit.append([sampleEvent(), sampleEvent()])
    await store.close()
    expect((await cli(named)).stdout).toContain('shipped 2 event(s) to out-named; up to seq 9')
    expect(readShippedDir(join(dir, 'out-named'))[0]!.shipped.events.map((e) => e.seq)).toEqual(upTo(9))
  })

  it('posts to a webhook signed with the secret from AIRLOCK_SHIP_SECRET', async () => {
    const receiver = await startFakeAuditWebhook('cli-secret')
    const run = await cli(['audit', 'ship', '--store', storeUrl, '--to', receiver.url, '--allow-private'], {
      AIRLOCK_SHIP_SECRET: 'cli-secret',
    })
    expect(run.code).toBe(0)
    expect(receiver.seqs.length).toBeGreaterThanOrEqual(7)
    expect(receiver.badSignatures).toBe(0)
    await receiver.close()
  })

  it('ships to syslog over TCP and to S3', async () => {
    const syslog = await startFakeSyslog()
    const run = await cli([
      'audit',
      'ship',
      '--store',
      storeUrl,
      '--to',
      `syslog+tcp://127.0.0.1:${syslog.port}`,
    ])
    expect(run.code).toBe(0)
    await vi.waitFor(() => expect(syslog.seqs().slice(0, 7)).toEqual(upTo(7)))
    await syslog.close()

    const s3 = await startLocalS3(['cli-audit'])
    const env = {
      AWS_ACCESS_KEY_ID: LOCAL_S3_CREDENTIALS.access_key_id,
      AWS_SECRET_ACCESS_KEY: LOCAL_S3_CREDENTIALS.secret_access_key,
    }
    const shipped = await cli(
      ['audit', 'ship', '--store', storeUrl, '--to', 's3://cli-audit/gw/', '--endpoint', s3.endpoint],
      env,
    )
    expect(shipped.stderr).toBe('')
    expect(shipped.code).toBe(0)
    const objects = await s3.objects('cli-audit', 'gw/')
    expect(objects.flatMap((o) => parseShipped(o.body).events.map((e) => e.seq)).slice(0, 7)).toEqual(upTo(7))
    await s3.close()
  })

  it('gives up with exit 5 after the given attempts when the receiver stays down', async () => {
    const syslog = await startFakeSyslog()
    const port = syslog.port
    await syslog.close()
    const run = await cli([
      'audit',
      'ship',
      '--store',
      storeUrl,
      '--to',
      `syslog+tcp://127.0.0.1:${port}`,
      '--attempts',
      '2',
    ])
    expect(run.code).toBe(5)
    expect(run.stderr).toContain('shipping failed after 2 attempt(s)')
  })
})
