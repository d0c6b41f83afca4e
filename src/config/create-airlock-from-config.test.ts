import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ConfigError } from '../errors/config-error.js'
import { hashApiKey } from '../identity/auth/generate-api-key.js'
import { checkConfig } from './check-config.js'
import { createAirlockFromConfig } from './create-airlock-from-config.js'
import { loadConfig } from './load-config.js'

const fixtures = fileURLToPath(new URL('./test-fixtures/', import.meta.url))
let dir: string

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'airlock-project-'))
  await mkdir(join(dir, 'policies'))
  await writeFile(
    join(dir, 'policies', 'allow.yaml'),
    `rules:
  - name: agents-echo
    match: { actions: [echo, shout], callers: { roles: [agent] } }
    decision: allow
    reason: Echo is harmless
`,
  )
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function project(extra: string, store = 'memory'): Promise<string> {
  const file = join(dir, 'airlock.config.yaml')
  await writeFile(
    file,
    `store: ${store}
modules: [${join(fixtures, 'ops-actions.mjs')}]
policies: [./policies]
auth:
  api_keys:
    - { id: agent, sha256: ${hashApiKey('ak_test')}, actor_id: agent-1, roles: [agent] }
${extra}`,
  )
  return file
}

describe('createAirlockFromConfig', () => {
  it('serves the actions a module exports, named and in its default array, once each', async () => {
    const { airlock, httpOptions } = await createAirlockFromConfig(await loadConfig(await project('')))
    try {
      expect(airlock.actions().map((a) => a.name)).toEqual(['echo', 'shout'])
      expect(airlock.getAction('echo')?.source).toBe(`${join(fixtures, 'ops-actions.mjs')}#echo`)
      const outcome = await airlock.execute('shout', { message: 'hi' }, { caller: { ...agent } })
      expect(outcome).toMatchObject({ status: 'executed', result: { message: 'HI' } })
      expect(httpOptions.auth.map((b) => b.name)).toEqual(['api_key'])
    } finally {
      await airlock.close()
    }
  })

  it('opens a SQLite store in a folder it creates, with a seal key made on first start', async () => {
    const config = await loadConfig(
      await project('seal: { key_file: ./.airlock/seal.key }\n', 'sqlite:./.airlock/db.sqlite'),
    )
    const { airlock } = await createAirlockFromConfig(config)
    try {
      expect(airlock.store.kind).toBe('sqlite')
      expect(existsSync(join(dir, '.airlock', 'db.sqlite'))).toBe(true)
      expect((await stat(join(dir, '.airlock', 'seal.key'))).mode & 0o777).toBe(0o600)
      await airlock.store.ping()
    } finally {
      await airlock.close()
    }
  })

  it('names both places when an action is defined twice', async () => {
    await mkdir(join(dir, 'actions'))
    await writeFile(
      join(dir, 'actions', 'echo.yaml'),
      'name: echo\nversion: "1.0.0"\ndescription: Echo again\nrisk_class: low\ntarget_types: [thing]\n',
    )
    const config = await loadConfig(await project('actions: [./actions]\n'))
    const error = await createAirlockFromConfig(config).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as ConfigError).message).toMatch(
      /Duplicate action 'echo'.*echo\.yaml.*ops-actions\.mjs#echo/,
    )
  })

  it('refuses a module that exports no actions, or a default array of something else', async () => {
    const file = await project('')
    const config = await loadConfig(file)
    const none = { ...config, modules: [join(fixtures, 'no-actions.mjs'), join(fixtures, 'bad-default.mjs')] }
    const error = (await createAirlockFromConfig(none).catch((e: unknown) => e)) as ConfigError
    expect(error).toBeInstanceOf(ConfigError)
    expect(error.issues).toEqual([
      expect.objectContaining({
        file: join(fixtures, 'no-actions.mjs'),
        message: expect.stringContaining('exports no actions'),
      }),
      expect.objectContaining({ file: join(fixtures, 'bad-default.mjs'), field: 'default[0]' }),
      expect.objectContaining({
        file: join(fixtures, 'bad-default.mjs'),
        message: expect.stringContaining('exports no actions'),
      }),
    ])
  })

  it('reports a broken policy file with its position, without opening anything', async () => {
    await writeFile(join(dir, 'policies', 'broken.yaml'), 'rules:\n  - name: x\n    decision: maybe\n')
    const file = await project('seal: { key_file: ./.airlock/seal.key }\n', 'sqlite:./.airlock/db.sqlite')
    const error = (await checkConfig(file).catch((e: unknown) => e)) as ConfigError
    expect(error).toBeInstanceOf(ConfigError)
    expect(error.issues.some((i) => i.file.endsWith('broken.yaml') && i.line === 2)).toBe(true)
    // checkConfig has no side effects: no database, no key file.
    expect(existsSync(join(dir, '.airlock'))).toBe(false)
  })

  it('summarises a valid configuration', async () => {
    const summary = await checkConfig(await project(''))
    expect(summary).toMatchObject({ store: 'memory', actions: 2, rules: 1, targets: null, auth: ['api_key'] })
  })
})

const agent = {
  actor_id: 'agent-1',
  roles: ['agent'],
  groups: [],
  scopes: [],
  tenant_id: 'default',
  delegation_chain: [],
  auth: 'api_key',
}
