import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sqliteStore } from '../../src/store/sqlite/index.js'
import { captureCli } from '../helpers/capture-cli.js'
import { sampleEvent } from '../store/conformance.js'

const dir = mkdtempSync(join(tmpdir(), 'airlock-audit-sparse-'))
const storeUrl = `sqlite:${join(dir, 'audit.db')}`

beforeAll(async () => {
  const store = sqliteStore({ path: join(dir, 'audit.db') })
  await store.migrate()
  // Three old matches, then more history than one filtered page examines.
  await store.audit.append(
    [1, 2, 3].map((n) => sampleEvent({ action: 'rotate-keys', reason: `rotation ${n}` })),
  )
  for (let i = 0; i < 11; i++) {
    await store.audit.append(Array.from({ length: 1000 }, () => sampleEvent({ action: 'deploy' })))
  }
  await store.close()
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('airlock audit show with a filter', () => {
  it('finds matches older than the last 10,000 events, newest first', async () => {
    const r = await captureCli(
      ['audit', 'show', '--store', storeUrl, '--action', 'rotate-keys', '--json'],
      dir,
    )
    expect(r.code).toBe(0)
    const events = JSON.parse(r.stdout) as { seq: number; reason: string }[]
    expect(events.map((e) => e.reason)).toEqual(['rotation 3', 'rotation 2', 'rotation 1'])
  })

  it('stops at --last matches', async () => {
    const r = await captureCli(
      ['audit', 'show', '--store', storeUrl, '--action', 'rotate-keys', '--last', '2'],
      dir,
    )
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('2 event(s).')
  })
})
