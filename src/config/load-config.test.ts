import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ConfigError } from '../errors/config-error.js'
import { loadConfig } from './load-config.js'

const HASH = 'a'.repeat(64)
let dir: string

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'airlock-config-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function write(name: string, text: string): Promise<string> {
  const file = join(dir, name)
  await writeFile(file, text)
  return file
}

async function configError(promise: Promise<unknown>): Promise<ConfigError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(ConfigError)
  return error as ConfigError
}

const MINIMAL = `store: memory
auth:
  anonymous: true
`

describe('loadConfig', () => {
  it('resolves paths against the config folder and applies defaults', async () => {
    const file = await write(
      'airlock.config.yaml',
      `store: sqlite:./data/airlock.db
actions: ./actions
modules: [./ops.mjs]
policies: [./policies, /abs/policies]
inventory: inventory.yaml
auth:
  api_keys:
    - { id: agent, sha256: ${HASH}, actor_id: agent-1, roles: [agent] }
seal:
  key_file: ./.airlock/seal.key
`,
    )
    const config = await loadConfig(file, { env: {} })
    expect(config.store).toBe(`sqlite:${join(dir, 'data/airlock.db')}`)
    expect(config.actions).toEqual([join(dir, 'actions')])
    expect(config.modules).toEqual([join(dir, 'ops.mjs')])
    expect(config.policies).toEqual([join(dir, 'policies'), '/abs/policies'])
    expect(config.inventory).toBe(join(dir, 'inventory.yaml'))
    expect(config.seal).toEqual({ kind: 'key_file', path: join(dir, '.airlock/seal.key'), key_id: 'k1' })
    expect(config.auth.api_keys[0]).toMatchObject({
      id: 'agent',
      actor_id: 'agent-1',
      roles: ['agent'],
      scopes: [],
    })
    expect(config.default_decision).toBe('deny')
    expect(config.approvals).toEqual({
      ttl_ms: 86_400_000,
      approver_roles: ['approver'],
      allow_self_approval: false,
      sweep_interval_ms: 30_000,
      require_full_view: false,
    })
    expect(config.server).toMatchObject({
      host: '127.0.0.1',
      port: 8420,
      base_path: '/',
      body_limit: 1_048_576,
    })
  })

  it('parses durations and sizes', async () => {
    const file = await write(
      'c.yaml',
      `${MINIMAL}approvals: { ttl: 2h, sweep_interval: 500ms }
idempotency: { wait: 1s, lease: 1m, retention: 7d }
server: { body_limit: 64kb, shutdown_timeout: 3s, port: 0 }
`,
    )
    const config = await loadConfig(file, { env: {} })
    expect(config.approvals.ttl_ms).toBe(7_200_000)
    expect(config.approvals.sweep_interval_ms).toBe(500)
    expect(config.idempotency).toEqual({
      wait_ms: 1000,
      lease_ms: 60_000,
      retention_ms: 604_800_000,
      scope: 'actor',
    })
    expect(config.server).toMatchObject({ body_limit: 65_536, shutdown_timeout_ms: 3000, port: 0 })
  })

  it('names the file, line, key and what was expected for a bad duration', async () => {
    const file = await write('c.yaml', `${MINIMAL}approvals:\n  ttl: 24\n  sweep_interval: 1 minute\n`)
    const error = await configError(loadConfig(file, { env: {} }))
    expect(error.issues).toEqual([
      expect.objectContaining({
        file,
        line: 5,
        field: 'approvals.ttl',
        message: expect.stringMatching(/expected a duration such as .*got 24$/),
      }),
      expect.objectContaining({
        line: 6,
        field: 'approvals.sweep_interval',
        message: expect.stringMatching(/got '1 minute'$/),
      }),
    ])
  })

  it('keeps the SQLite writer a store URL asks for and names a bad one', async () => {
    const seal = 'auth:\n  anonymous: true\nseal:\n  key_file: ./.airlock/seal.key\n'
    const good = await write('w.yaml', `store: sqlite:./data/airlock.db?writer=thread\n${seal}`)
    expect((await loadConfig(good, { env: {} })).store).toBe(
      `sqlite:${join(dir, 'data/airlock.db')}?writer=thread`,
    )
    const bad = await write('w2.yaml', `store: sqlite:./data/airlock.db?writer=threads\n${seal}`)
    const error = await configError(loadConfig(bad, { env: {} }))
    expect(error.issues[0]).toMatchObject({
      field: 'store',
      message: expect.stringContaining('writer must be "thread"'),
    })
    expect(error.issues[0]?.message).toContain('expected sqlite:<file>[?writer=thread|inline]')
  })

  it('rejects an unknown key where it is written', async () => {
    const file = await write('c.yaml', `${MINIMAL}server:\n  prot: 8080\n`)
    const error = await configError(loadConfig(file, { env: {} }))
    expect(error.message).toMatch(
      new RegExp(`^${file}:5:\\d+: server\\.prot: unknown key 'prot' \\(did you mean 'port'\\?\\)$`),
    )
  })

  it('rejects a port out of range', async () => {
    const file = await write('c.yaml', `${MINIMAL}server: { port: 70000 }\n`)
    const error = await configError(loadConfig(file, { env: {} }))
    expect(error.issues[0]).toMatchObject({
      field: 'server.port',
      message: expect.stringContaining('0 to 65535'),
    })
  })

  it('reads secrets from the environment and names a missing variable with its key', async () => {
    const file = await write(
      'c.yaml',
      `store: memory
auth:
  jwt:
    issuer: https://idp
    audience: airlock
    secret: \${JWT_SECRET}
`,
    )
    const config = await loadConfig(file, { env: { JWT_SECRET: 'x'.repeat(40) } })
    expect(config.auth.jwt?.secret).toBe('x'.repeat(40))

    const error = await configError(loadConfig(file, { env: {} }))
    expect(error.issues[0]).toMatchObject({
      file,
      line: 6,
      field: 'auth.jwt.secret',
      message: expect.stringContaining('JWT_SECRET is not set'),
    })
  })

  it('requires an auth section, and anonymous to stand alone', async () => {
    const none = await write('none.yaml', 'store: memory\n')
    expect((await configError(loadConfig(none, { env: {} }))).issues[0]).toMatchObject({ field: 'auth' })

    const empty = await write('empty.yaml', 'store: memory\nauth: {}\n')
    expect((await configError(loadConfig(empty, { env: {} }))).message).toMatch(
      /at least one of api_keys, jwt, identity_tokens or trusted_headers/,
    )

    const both = await write(
      'both.yaml',
      `store: memory\nauth:\n  anonymous: true\n  api_keys: [{ id: a, sha256: ${HASH}, actor_id: a }]\n`,
    )
    expect((await configError(loadConfig(both, { env: {} }))).issues[0]).toMatchObject({
      field: 'auth.anonymous',
    })
  })

  it('refuses an API key given in clear instead of its SHA-256', async () => {
    const file = await write(
      'c.yaml',
      'store: memory\nauth:\n  api_keys: [{ id: a, sha256: ak_secret, actor_id: a }]\n',
    )
    const error = await configError(loadConfig(file, { env: {} }))
    expect(error.issues[0]).toMatchObject({
      field: 'auth.api_keys[0].sha256',
      message: expect.stringContaining('SHA-256'),
    })
  })

  it('requires seal keys with a durable store, and a current key that exists', async () => {
    const noSeal = await write('a.yaml', 'store: sqlite:./x.db\nauth: { anonymous: true }\n')
    expect((await configError(loadConfig(noSeal, { env: {} }))).issues[0]).toMatchObject({
      field: 'store',
      message: expect.stringContaining('seal'),
    })
    const defaultStore = await write('b.yaml', 'auth: { anonymous: true }\n')
    expect((await configError(loadConfig(defaultStore, { env: {} }))).message).toContain('seal')

    const wrongCurrent = await write('c.yaml', `${MINIMAL}seal: { keys: { k1: abc }, current: k2 }\n`)
    expect((await configError(loadConfig(wrongCurrent, { env: {} }))).issues[0]).toMatchObject({
      field: 'seal.current',
      message: expect.stringContaining('k1'),
    })
  })

  it('refuses a store URL with an unknown scheme without echoing it', async () => {
    const file = await write('c.yaml', 'store: mysql://root:hunter2@db/x\nauth: { anonymous: true }\n')
    const error = await configError(loadConfig(file, { env: {} }))
    expect(error.issues[0]).toMatchObject({ field: 'store', message: expect.stringContaining("'mysql:'") })
    expect(error.message).not.toContain('hunter2')
  })

  it('loads a module config made with defineConfig, validated the same way', async () => {
    const file = await write(
      'airlock.config.mjs',
      `export default { store: 'memory', auth: { anonymous: true }, approvals: { ttl: '90m' }, policies: ['./p'] }\n`,
    )
    const config = await loadConfig(file, { env: {} })
    expect(config.approvals.ttl_ms).toBe(5_400_000)
    expect(config.policies).toEqual([join(dir, 'p')])

    const bad = await write(
      'bad.config.mjs',
      `export default { store: 'memory', auth: { anonymous: true }, approvals: { ttl: 5 } }\n`,
    )
    const error = await configError(loadConfig(bad, { env: {} }))
    expect(error.issues[0]).toMatchObject({ file: bad, field: 'approvals.ttl' })
  })

  it('says so when the file is missing or of an unknown kind', async () => {
    expect((await configError(loadConfig(join(dir, 'nope.yaml')))).message).toContain('file not found')
    const json = await write('c.json', '{}')
    expect((await configError(loadConfig(json))).message).toContain('.yaml')
  })
})
