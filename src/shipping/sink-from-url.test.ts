import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { sampleEvent } from '../../test/store/conformance.js'
import { memoryStore } from '../store/memory/index.js'
import { sinkFromUrl } from './sink-from-url.js'

const dir = mkdtempSync(join(tmpdir(), 'airlock-sink-url-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('sinkFromUrl', () => {
  it('writes a file:// target to the folder it names, its escapes decoded', async () => {
    const folder = join(dir, 'my audit')
    const target = pathToFileURL(folder).href
    expect(target).toContain('my%20audit')
    const sink = sinkFromUrl(target, { cwd: dir })
    const store = memoryStore()
    const events = await store.audit.append([sampleEvent()])
    await sink.deliver({ shipper: 'cli', events, checkpoint: null })
    await sink.close?.()
    expect(existsSync(join(folder, 'audit-000000000001.jsonl.part'))).toBe(true)
    expect(existsSync(join(dir, 'my%20audit'))).toBe(false)
  })

  it('refuses a file:// target on another host, naming it', () => {
    expect(() => sinkFromUrl('file://backup-host/var/audit', { cwd: dir })).toThrow(
      expect.objectContaining({
        code: 'CONFIG_INVALID',
        message: expect.stringContaining('the target file://backup-host/var/audit is not a local file URL'),
      }),
    )
  })
})
