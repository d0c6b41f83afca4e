import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createAirlockFromConfig } from '../../src/config/create-airlock-from-config.js'
import { loadConfig } from '../../src/config/load-config.js'
import { ConfigError } from '../../src/errors/config-error.js'
import { openCheckpoint } from '../../src/evidence/checkpoint.js'
import { parseVerifierKey } from '../../src/evidence/note-keys.js'
import { hashApiKey } from '../../src/identity/auth/generate-api-key.js'
import { sqliteStore } from '../../src/store/sqlite/index.js'

const fixtures = fileURLToPath(new URL('../../src/config/test-fixtures/', import.meta.url))
const agent = {
  actor_id: 'agent-1',
  roles: ['agent'],
  groups: [],
  scopes: [],
  tenant_id: 'default',
  delegation_chain: [],
  auth: 'api_key',
}
let dir: string

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'airlock-transparency-'))
  await mkdir(join(dir, 'policies'))
  await writeFile(
    join(dir, 'policies', 'allow.yaml'),
    'rules:\n  - name: echo\n    match: { actions: [echo] }\n    decision: allow\n    reason: harmless\n',
  )
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function project(transparency: string): Promise<string> {
  const file = join(dir, 'airlock.config.yaml')
  await writeFile(
    file,
    `store: sqlite:./.airlock/airlock.db
seal: { key_file: ./.airlock/seal.key }
modules: [${join(fixtures, 'ops-actions.mjs')}]
policies: [./policies]
auth:
  api_keys:
    - { id: agent, sha256: ${hashApiKey('ak_test')}, actor_id: agent-1, roles: [agent] }
dashboard: { enabled: false }
${transparency}`,
  )
  return file
}

describe('transparency configuration', () => {
  it('makes a private key on first use and checkpoints every N events and on close', async () => {
    const file = await project(
      'transparency:\n  origin: example.test/airlock\n  checkpoint_every: 3\n  checkpoint_interval: 1h\n',
    )
    const configured = await createAirlockFromConfig(await loadConfig(file))
    const t = configured.transparency!
    expect(t.key_created).toBe(true)
    expect(t.key_file).toBe(join(dir, '.airlock', 'transparency.key'))
    expect((await stat(t.key_file)).mode & 0o777).toBe(0o600)
    expect(await readFile(t.key_file, 'utf8')).toMatch(/^PRIVATE\+KEY\+example\.test\/airlock\+/)
    const { airlock } = configured
    await t.start()
    for (let i = 0; i < 4; i++) await airlock.execute('echo', { message: `m${i}` }, { caller: agent })
    await t.log()!.tick()
    const merkle = airlock.store.merkle!
    const mid = await merkle.latestCheckpoint()
    expect(mid!.size).toBeGreaterThanOrEqual(3)
    await airlock.execute('echo', { message: 'last' }, { caller: agent })
    await airlock.close()

    // The last checkpoint, issued on close, covers every event; it opens with the published key only.
    const store = sqliteStore({ path: join(dir, '.airlock', 'airlock.db') })
    const head = await store.audit.head()
    const last = (await store.merkle!.latestCheckpoint())!
    expect(last.size).toBe(head!.seq)
    const cp = openCheckpoint(last.note, parseVerifierKey(t.verifier_key), 'example.test/airlock')
    expect(cp.size).toBe(head!.seq)
    await store.close()

    // A second start reuses the key.
    const again = await createAirlockFromConfig(await loadConfig(file))
    expect(again.transparency!.key_created).toBe(false)
    expect(again.transparency!.verifier_key).toBe(t.verifier_key)
    await again.airlock.close()
  })

  it('is off without the section, and refuses a key file others can read', async () => {
    const off = await createAirlockFromConfig(await loadConfig(await project('')))
    expect(off.transparency).toBeNull()
    await off.airlock.close()
    await mkdir(join(dir, 'keys'))
    await writeFile(join(dir, 'keys', 'log.key'), 'PRIVATE+KEY+x+00000000+AAAA\n', { mode: 0o644 })
    const file = await project('transparency: { key_file: ./keys/log.key }\n')
    await expect(createAirlockFromConfig(await loadConfig(file))).rejects.toThrow(ConfigError)
    await expect(createAirlockFromConfig(await loadConfig(file))).rejects.toThrow(/readable by others/)
  })

  it('rejects more required witnesses than listed', async () => {
    const file = await project(
      'transparency:\n  witnesses:\n    required: 2\n    list: [{ url: "http://127.0.0.1:1", key: "w+00000000+AAAA" }]\n',
    )
    await expect(loadConfig(file)).rejects.toThrow(/required must not exceed/)
  })
})
