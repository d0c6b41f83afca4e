import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it, vi } from 'vitest'

const ROOT = resolve(import.meta.dirname, '../..')
const EXAMPLE = resolve(ROOT, 'examples/sqlite-library/main.ts')
const dir = mkdtempSync(join(tmpdir(), 'airlock-sqlite-example-'))
const cwd = process.cwd()
afterAll(() => {
  process.chdir(cwd)
  rmSync(dir, { recursive: true, force: true })
})

describe('the README SQLite example', () => {
  it('is in the README exactly as in examples/', () => {
    const readme = readFileSync(resolve(ROOT, 'README.md'), 'utf8')
    expect(readme).toContain(readFileSync(EXAMPLE, 'utf8').trim())
  })

  it('runs as written in an empty folder: creates and migrates the database, makes the seal key and says so', async () => {
    process.chdir(dir)
    const logs: string[] = []
    const errors: string[] = []
    const log = vi
      .spyOn(console, 'log')
      .mockImplementation((...args: unknown[]) => void logs.push(args.join(' ')))
    const stderr = vi
      .spyOn(process.stderr, 'write')
      .mockImplementation((chunk: string | Uint8Array) => errors.push(String(chunk)) > 0)
    try {
      await import(EXAMPLE)
    } finally {
      log.mockRestore()
      stderr.mockRestore()
    }
    expect(logs).toEqual(['pending_approval'])
    expect(existsSync(join(dir, '.airlock/airlock.db'))).toBe(true)
    expect(errors.join('')).toContain('airlock: created a new seal key in ./.airlock/seal.key')
  })
})
