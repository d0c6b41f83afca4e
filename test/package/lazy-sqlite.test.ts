import { execFile } from 'node:child_process'
import { resolve } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

const ROOT = resolve(import.meta.dirname, '../..')

// A plain Node process over the built package, as users load it: better-sqlite3
// is a native module, installed by default but loaded only by a SQLite store.
describe('better-sqlite3', () => {
  it('is loaded when a SQLite store is opened, not when the package or its sqlite subpath is imported', async () => {
    const script = `
      import { createRequire } from 'node:module'
      const cache = createRequire(import.meta.url).cache
      const loaded = () => Object.keys(cache).some((k) => k.includes('/node_modules/better-sqlite3/'))
      const steps = {}
      await import('airlock')
      steps.core = loaded()
      const { sqliteStore } = await import('airlock/sqlite')
      steps.subpath = loaded()
      const store = sqliteStore({ path: ':memory:' })
      await store.migrate()
      steps.opened = loaded()
      await store.close()
      console.log(JSON.stringify(steps))`
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
      cwd: ROOT,
    })
    expect(JSON.parse(stdout)).toEqual({ core: false, subpath: false, opened: true })
  })
})
