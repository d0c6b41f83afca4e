import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { hashApiKey } from '../../identity/auth/generate-api-key.js'
import type { CliIo } from '../cli-io.js'
import { runCli } from '../run-cli.js'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'airlock-init-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function cli(argv: string[], cwd = dir): Promise<{ code: number; out: string; err: string }> {
  let out = ''
  let err = ''
  const io: CliIo = {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    cwd,
    env: {},
  }
  const code = await runCli(argv, io)
  return { code, out, err }
}

describe('airlock init', () => {
  it('scaffolds a project whose policy tests pass and whose config validates', async () => {
    const init = await cli(['init', 'proj'])
    expect(init.code).toBe(0)
    for (const path of [
      'airlock.config.yaml',
      'actions/restart-deployment.yaml',
      'policies/default.yaml',
      'inventory.yaml',
      'tests/default.yaml',
    ]) {
      expect(init.out).toContain(`create proj/${path}`)
    }
    const key = /\n {2}(ak_\S+)\n/.exec(init.out)?.[1]
    expect(key).toBeDefined()
    const config = await readFile(join(dir, 'proj', 'airlock.config.yaml'), 'utf8')
    // Only the hash is stored.
    expect(config).toContain(hashApiKey(key!))
    expect(config).not.toContain(key!)

    const tests = await cli(['test', 'tests'], join(dir, 'proj'))
    expect(tests.out).toContain('3 passed, 0 failed')
    expect(tests.code).toBe(0)
    const validate = await cli(['validate', '--config', 'proj/airlock.config.yaml'])
    expect(validate.err).toBe('')
    expect(validate.out).toContain('actions: 1 action(s) loaded')
    expect(validate.code).toBe(0)
  })

  it('never overwrites: existing files are skipped and no new key is printed', async () => {
    await writeFile(join(dir, 'airlock.config.yaml'), '# mine\n')
    const init = await cli(['init'])
    expect(init.code).toBe(0)
    expect(init.out).toContain('skip   airlock.config.yaml (exists)')
    expect(init.out).toContain('create policies/default.yaml')
    expect(init.out).not.toContain('ak_')
    expect(await readFile(join(dir, 'airlock.config.yaml'), 'utf8')).toBe('# mine\n')

    const again = await cli(['init'])
    expect(again.out).not.toContain('create')
    expect(again.out).toContain('skip   tests/default.yaml (exists)')
  })
})
