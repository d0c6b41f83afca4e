import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { runCli } from '../../src/cli/run-cli.js'
import { hashApiKey } from '../../src/identity/auth/generate-api-key.js'
import { captureCli } from '../helpers/capture-cli.js'

const tmp = mkdtempSync(join(tmpdir(), 'airlock-api-key-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

async function withStdin(argv: string[], input: string) {
  let stdout = ''
  let stderr = ''
  const code = await runCli(argv, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    cwd: tmp,
    env: {},
    stdin: async () => input,
  })
  return { code, stdout, stderr }
}

function project(name: string, sha256: string): string {
  const dir = join(tmp, name)
  mkdirSync(dir)
  writeFileSync(
    join(dir, 'airlock.config.yaml'),
    `store: memory\nauth:\n  api_keys:\n    - { id: agent, sha256: ${sha256}, actor_id: agent-1 }\n`,
  )
  return dir
}

describe('airlock api-key', () => {
  it('generates a key and the sha256 a config accepts', async () => {
    const r = await captureCli(['api-key', 'generate', '--json'], tmp)
    expect(r.code).toBe(0)
    const { key, sha256 } = JSON.parse(r.stdout) as { key: string; sha256: string }
    expect(key).toMatch(/^ak_[A-Za-z0-9_-]{43}$/)
    expect(sha256).toBe(hashApiKey(key))
    expect((await captureCli(['validate'], project('generated', sha256))).code).toBe(0)

    const text = await captureCli(['api-key', 'generate'], tmp)
    expect(text.stdout).toMatch(/^key: {4}ak_\S+\nsha256: [0-9a-f]{64}\n/)
    expect(text.stdout).toContain('- { id: <name>, sha256: ')
  })

  it('hashes a strong key read from standard input', async () => {
    const key = 'Xq3_vR8pL2mN7tY4wK9zB6cD1fG5hJ0s-aE'
    const r = await withStdin(['api-key', 'hash'], `${key}\n`)
    expect(r.code).toBe(0)
    expect(r.stdout).toBe(`${hashApiKey(key)}\n`)
    const json = await withStdin(['api-key', 'hash', '--json'], key)
    expect(JSON.parse(json.stdout)).toEqual({ sha256: hashApiKey(key) })
  })

  it('refuses to hash a guessable key, and never prints it', async () => {
    const r = await withStdin(['api-key', 'hash'], 'hunter2hunter2\n')
    expect(r.code).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr).toContain('refusing to hash this key: the key looks guessable')
    expect(r.stderr).toContain('airlock api-key generate')
    expect(r.stderr).not.toContain('hunter2')
    expect((await withStdin(['api-key', 'hash'], '\n')).stderr).toContain('no key on standard input')
  })

  it('refuses a config whose key hash is that of a placeholder, naming the key path', async () => {
    const r = await captureCli(['validate'], project('weak', hashApiKey('changeme')))
    expect(r.code).toBe(3)
    expect(r.stderr).toContain(
      'auth.api_keys[0].sha256: this is the SHA-256 of a well-known weak key (a placeholder or common password)',
    )
    expect(r.stderr).not.toContain('changeme')
  })
})
