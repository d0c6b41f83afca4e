import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createSealer } from '../audit/seal.js'
import { loadSealKeyFile } from './seal-key-file.js'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'airlock-seal-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('loadSealKeyFile', () => {
  it('creates a 0600 key on first use and reads the same key afterwards', async () => {
    const path = join(dir, '.airlock', 'seal.key')
    const first = await loadSealKeyFile(path, 'k1')
    expect((await stat(path)).mode & 0o777).toBe(0o600)
    const second = await loadSealKeyFile(path, 'k1')
    expect(second).toEqual(first)
    // What one process sealed, the next one opens.
    const sealed = createSealer(first).seal({ amount: 5 }, 'apr-1')
    expect(createSealer(second).open(sealed, 'apr-1')).toEqual({ amount: 5 })
  })

  it('agrees on one key when several processes start at once', async () => {
    const path = join(dir, 'seal.key')
    const configs = await Promise.all(Array.from({ length: 8 }, () => loadSealKeyFile(path, 'k1')))
    expect(new Set(configs.map((c) => c.keys.k1)).size).toBe(1)
    expect((await readFile(path, 'utf8')).trim()).toBe(configs[0]?.keys.k1)
  })

  it.skipIf(process.platform === 'win32')('refuses a key file others can read', async () => {
    const path = join(dir, 'seal.key')
    await loadSealKeyFile(path, 'k1')
    await chmod(path, 0o644)
    await expect(loadSealKeyFile(path, 'k1')).rejects.toThrow(/readable by others .*chmod 600/)
  })

  it('refuses a file that does not hold a 32-byte base64 key', async () => {
    const path = join(dir, 'seal.key')
    await writeFile(path, 'not-a-key\n', { mode: 0o600 })
    await expect(loadSealKeyFile(path, 'k1')).rejects.toThrow(/base64-encoded 32-byte key/)
  })
})
