import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openStore } from './open-store.js'

describe('openStore', () => {
  it('opens a memory store', async () => {
    const store = await openStore('memory')
    expect(store.kind).toBe('memory')
  })

  it('opens an in-memory SQLite database', async () => {
    const store = await openStore('sqlite::memory:')
    expect(store.kind).toBe('sqlite')
    await store.migrate()
    expect(await store.nonces.consume('n', '2030-01-01T00:00:00.000Z')).toBe(true)
    await store.close()
  })

  it('opens a SQLite file by relative or absolute path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'airlock-open-'))
    try {
      for (const url of [`sqlite:${join(dir, 'a.db')}`, `sqlite://${join(dir, 'b.db')}`]) {
        const store = await openStore(url)
        await store.migrate()
        await store.ping()
        await store.close()
      }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('refuses an unknown scheme without echoing the rest of the URL', async () => {
    const error = await openStore('redis://:hunter2@127.0.0.1:6379').catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'CONFIG_INVALID' })
    expect((error as Error).message).toBe(
      'store URL scheme "redis:" is not supported; expected "memory", "sqlite:<path>", "sqlite::memory:" or "postgres://user@host:port/database"',
    )
    expect((error as Error).message).not.toContain('hunter2')
  })

  it('names the accepted range of a bad PostgreSQL pool size before connecting', async () => {
    for (const pool of ['0', '-1', '2.5', 'ten', '101']) {
      const error = await openStore(`postgres://u:hunter2@127.0.0.1:1/db?pool=${pool}`).catch(
        (e: unknown) => e,
      )
      expect(error).toMatchObject({ code: 'CONFIG_INVALID' })
      expect((error as Error).message).toContain(
        `pool must be a whole number of connections from 1 to 100, got "${pool}"`,
      )
      expect((error as Error).message).not.toContain('hunter2')
    }
  })

  it('refuses an empty URL, a URL without scheme and a SQLite URL without a file', async () => {
    await expect(openStore('')).rejects.toThrow(/store URL is empty/)
    await expect(openStore('./airlock.db')).rejects.toThrow(/has no scheme/)
    await expect(openStore('sqlite:')).rejects.toThrow(/names no file/)
  })
})
