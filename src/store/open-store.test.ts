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

  it('commits request batches on a writer thread when the URL asks for one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'airlock-open-'))
    try {
      for (const writer of ['thread', 'inline']) {
        const store = await openStore(`sqlite:${join(dir, `${writer}.db`)}?writer=${writer}`)
        const claim = {
          tenant_id: 'acme',
          action: 'transfer',
          key: 'k1',
          fingerprint: 'f',
          owner: 'o',
          lease_until: '2030-01-01T00:01:00.000Z',
          now: '2030-01-01T00:00:00.000Z',
        }
        const [result] = await store.batch([{ kind: 'claim', request: claim }])
        expect(result).toEqual({ kind: 'claim', result: { kind: 'claimed', recovered: false } })
        // The main connection sees what the writer committed.
        expect(await store.idempotency.claim({ ...claim, owner: 'other' })).toMatchObject({
          kind: 'in_flight',
        })
        await store.close()
      }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('names the SQLite writer values and refuses unknown SQLite parameters', async () => {
    const bad = await openStore('sqlite:./x.db?writer=fast').catch((e: unknown) => e)
    expect(bad).toMatchObject({ code: 'CONFIG_INVALID' })
    expect((bad as Error).message).toContain(
      'writer must be "thread" (commits on a worker thread) or "inline" (on the event loop), got "fast"',
    )
    await expect(openStore('sqlite:./x.db?writr=thread')).rejects.toThrow(
      /unknown sqlite: parameter "writr" \(only "writer" is accepted\)/,
    )
    await expect(openStore('sqlite:?writer=thread')).rejects.toThrow(/names no file/)
  })

  it('refuses an unknown scheme without echoing the rest of the URL', async () => {
    const error = await openStore('redis://:hunter2@127.0.0.1:6379').catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'CONFIG_INVALID' })
    expect((error as Error).message).toBe(
      'store URL scheme "redis:" is not supported; expected "memory", "sqlite:<path>[?writer=thread]", "sqlite::memory:" or "postgres://user@host:port/database"',
    )
    expect((error as Error).message).not.toContain('hunter2')
  })

  it('names the accepted range of a bad PostgreSQL pool size before connecting', async () => {
    for (const pool of ['0', '1', '-1', '2.5', 'ten', '101']) {
      const error = await openStore(`postgres://u:hunter2@127.0.0.1:1/db?pool=${pool}`).catch(
        (e: unknown) => e,
      )
      expect(error).toMatchObject({ code: 'CONFIG_INVALID' })
      expect((error as Error).message).toContain(
        `pool must be a whole number of connections from 2 to 100, got "${pool}"`,
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
