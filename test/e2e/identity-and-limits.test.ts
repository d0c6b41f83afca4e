// needs-services: redis
/**
 * `airlock serve` as real processes with identity tokens, execution tickets
 * and limits configured: tokens minted by `airlock token issue` and
 * `airlock delegation create`, tickets redeemed by `airlock ticket verify`
 * against the gateway's own store, and one rate limit enforced by two
 * gateways sharing Redis.
 *
 * Redis being down fails this suite: it is never skipped.
 */
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { verifyIdentityToken } from '../../src/identity/tokens/identity-token.js'
import { createKeySet, generateSigningKey, issueIdentityToken } from '../../src/identity/tokens/index.js'
import { TEST_REDIS_URL, testRedisOptions } from '../helpers/test-redis.js'
import { CLI, client, type GatewayProcess, ROOT, startGateway, stopAll } from './helpers/gateway-process.js'

const AUDIENCE = 'e2e-gateway'
const OPS_MODULE = join(ROOT, 'test/e2e/fixtures/gateway/ops.ts')
const REDIS_PREFIX = `airlock-e2e:${randomBytes(4).toString('hex')}:`
const redis = new Redis({ ...testRedisOptions(), lazyConnect: true, maxRetriesPerRequest: 1 })
let tmp: string

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')

/** Runs the CLI as a process, as an operator would, and collects its output. */
function airlock(args: readonly string[]): Promise<{ code: number | null; out: string; err: string }> {
  const [node, ...cli] = CLI
  return new Promise((resolve) => {
    const child = spawn(node, [...cli, ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } })
    let out = ''
    let err = ''
    child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s))
    child.stderr.setEncoding('utf8').on('data', (s: string) => (err += s))
    child.once('exit', (code) => resolve({ code, out, err }))
  })
}

/** A project folder with the e2e actions, a policy and `extra` config sections. */
async function project(name: string, extra: string): Promise<string> {
  const dir = join(tmp, name)
  await mkdir(join(dir, 'policies'), { recursive: true })
  await writeFile(
    join(dir, 'policies', 'ops.yaml'),
    `rules:
  - name: never-wipe
    priority: 1000
    match: { actions: [wipe] }
    decision: deny
    reason: Nobody wipes anything
  - name: agents-run-ops
    priority: 100
    match: { actions: [echo], callers: { roles: [agent] } }
    decision: allow
    reason: Agents may echo
  - name: workers-of-agent-7
    priority: 200
    match: { actions: [slow], callers: { delegated_from: [agent-7] } }
    decision: allow
    reason: Only agents working for agent-7 may wait
`,
  )
  const file = join(dir, 'airlock.config.yaml')
  await writeFile(
    file,
    `modules: [${OPS_MODULE}]
policies: [./policies]
keys: { key_file: ./.airlock/signing-key.json }
auth:
  identity_tokens: { audience: ${AUDIENCE} }
server: { log_level: warn, shutdown_timeout: 5s }
dashboard: { enabled: false } # the CLI runs from source here; the dashboard has its own browser tests
${extra}`,
  )
  return file
}

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'airlock-e2e-identity-'))
  await redis.connect()
})

afterAll(async () => {
  await stopAll()
  await rm(tmp, { recursive: true, force: true })
  let cursor = '0'
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${REDIS_PREFIX}*`, 'COUNT', 1000)
    if (keys.length > 0) await redis.del(...keys)
    cursor = next
  } while (cursor !== '0')
  redis.disconnect()
}, 60_000)

// Each test starts CLI processes, which a busy machine takes seconds to transpile and run.
describe('a gateway with identity tokens, tickets and limits', { timeout: 120_000 }, () => {
  let config: string
  let keyFile: string
  let store: string
  let gateway: GatewayProcess
  let token: string

  /** Mints a token for `sub` with the gateway's config, as its operator would. */
  async function issue(sub: string, roles = 'agent,ops'): Promise<string> {
    const issued = await airlock(['token', 'issue', '--config', config, '--sub', sub, '--roles', roles])
    expect(issued.err).toBe('')
    expect(issued.code).toBe(0)
    return issued.out.trim()
  }

  beforeAll(async () => {
    config = await project(
      'main',
      `store: sqlite:./.airlock/gateway.db
seal: { key_file: ./.airlock/seal.key }
tickets: { ttl: 5m, audience: executor }
limits:
  rate_limit: { max_requests: 5, window: 1m }
  circuit_breaker: { threshold: 3, window: 1m, cooldown: 5m }
`,
    )
    keyFile = join(tmp, 'main', '.airlock', 'signing-key.json')
    store = `sqlite:${join(tmp, 'main', '.airlock', 'gateway.db')}`
    gateway = await startGateway(['--config', config, '--port', '0'])
    token = await issue('agent-7')
  }, 150_000)

  afterAll(async () => {
    // A clean exit also shows nothing (no connection, no timer) was left open.
    expect(await gateway?.stop()).toBe(0)
  }, 60_000)

  it('publishes its public keys only, and they verify the tokens it accepts', async () => {
    const response = await fetch(`${gateway.url}/.well-known/jwks.json`)
    expect(response.status).toBe(200)
    const jwks = (await response.json()) as { keys: Record<string, unknown>[] }
    const saved = JSON.parse(await readFile(keyFile, 'utf8')) as { keys: { kid: string }[] }
    expect(jwks.keys.map((k) => k.kid)).toEqual(saved.keys.map((k) => k.kid))
    for (const key of jwks.keys) {
      expect(key).not.toHaveProperty('d')
      expect(key).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA' })
    }
    await expect(
      verifyIdentityToken(jwks as { keys: [] }, token, { audience: AUDIENCE }),
    ).resolves.toMatchObject({ actor_id: 'agent-7', roles: ['agent', 'ops'] })
  })

  it('serves an agent that presents a token minted by `airlock token issue`', async () => {
    const agent = client(gateway.url, token)
    expect(await agent('POST', '/actions/echo/execute', { inputs: { message: 'hi' } })).toMatchObject({
      status: 200,
      body: { status: 'executed', result: { message: 'hi' } },
    })
    expect(await agent('GET', '/actions')).toMatchObject({ status: 200 })
  })

  it('serves a delegated token, and policy sees who delegated it', async () => {
    const created = await airlock([
      'delegation',
      'create',
      token,
      '--sub',
      'agent-7-worker',
      '--roles',
      'agent,ops',
      '--key-file',
      keyFile,
    ])
    expect(created.code).toBe(0)
    const worker = client(gateway.url, created.out.trim())
    expect(await worker('POST', '/actions/echo/execute', { inputs: { message: 'delegated' } })).toMatchObject(
      {
        status: 200,
        body: { status: 'executed' },
      },
    )
    // The rule matches on the chain the token carries: the worker may, its parent alone may not.
    expect(await worker('POST', '/check', { action: 'slow', inputs: { ms: 1 } })).toMatchObject({
      body: { decision: 'allow', rule: 'workers-of-agent-7' },
    })
    expect(
      await client(gateway.url, token)('POST', '/check', { action: 'slow', inputs: { ms: 1 } }),
    ).toMatchObject({ body: { decision: 'deny' } })
  })

  it('answers 401 with the reason for an unsigned token, a foreign key, a reused kid and the wrong audience', async () => {
    const now = Math.floor(Date.now() / 1000)
    const unsigned = `${b64({ alg: 'none', typ: 'airlock-id+jwt' })}.${b64({
      sub: 'root',
      roles: ['agent', 'ops', 'admin'],
      groups: [],
      tenant: 'default',
      iss: 'airlock',
      aud: AUDIENCE,
      iat: now,
      nbf: now,
      exp: now + 600,
      jti: 'forged',
      max_delegation_depth: 5,
    })}.`
    const foreignKeys = await createKeySet({ keys: [await generateSigningKey()] })
    const foreign = await issueIdentityToken(foreignKeys, {
      sub: 'root',
      roles: ['agent', 'ops'],
      audience: AUDIENCE,
    })
    const generated = await airlock([
      'keys',
      'generate',
      '--kid',
      JSON.parse(await readFile(keyFile, 'utf8')).keys[0].kid,
    ])
    const sameKid = await issueIdentityToken(await createKeySet({ keys: [JSON.parse(generated.out)] }), {
      sub: 'root',
      audience: AUDIENCE,
    })
    const cases = [
      [unsigned, 'alg_none'],
      [foreign, 'unknown_key'],
      [sameKid, 'bad_signature'],
    ] as const
    for (const [credential, reason] of cases) {
      const response = await client(gateway.url, credential)('POST', '/actions/echo/execute', {
        inputs: { message: 'x' },
      })
      expect(response).toMatchObject({ status: 401, body: { code: 'UNAUTHENTICATED', reason } })
      expect(response.type).toContain('application/problem+json')
    }
    const wrongAudience = await airlock([
      'token',
      'issue',
      '--config',
      config,
      '--sub',
      'agent-7',
      '--audience',
      'another-service',
    ])
    expect(await client(gateway.url, wrongAudience.out.trim())('GET', '/actions')).toMatchObject({
      status: 401,
      body: { reason: 'wrong_audience' },
    })
  })

  it('returns a ticket on an allowed check that `airlock ticket verify` accepts once, then reports replayed', async () => {
    const agent = client(gateway.url, await issue('ticket-agent'))
    const checked = await agent('POST', '/check', { action: 'echo', inputs: { message: 'ship it' } })
    expect(checked).toMatchObject({ status: 200, body: { decision: 'allow' } })
    const ticket = checked.body.ticket as { token: string; nonce: string; expires_at: string }
    expect(Date.parse(ticket.expires_at) - Date.now()).toBeLessThanOrEqual(300_000)
    const verify = () =>
      airlock([
        'ticket',
        'verify',
        ticket.token,
        '--action',
        'echo',
        '--params',
        JSON.stringify({ message: 'ship it' }),
        '--caller',
        'ticket-agent',
        '--target',
        'none',
        '--tenant',
        'default',
        '--audience',
        'executor',
        '--key-file',
        keyFile,
        '--store',
        store,
        '--json',
      ])
    const first = await verify()
    expect(first.code).toBe(0)
    expect(JSON.parse(first.out)).toMatchObject({
      valid: true,
      claims: { jti: ticket.nonce, aud: 'executor' },
    })
    const replay = await verify()
    expect(replay.code).toBe(1)
    expect(JSON.parse(replay.out)).toMatchObject({ valid: false, code: 'replayed' })
  })

  it('answers 429 with Retry-After once a caller exceeds the rate limit, and counts callers apart', async () => {
    const [busy, other] = await Promise.all([issue('busy-agent'), issue('other-agent')])
    const send = (credential: string) =>
      fetch(`${gateway.url}/actions/echo/execute`, {
        method: 'POST',
        headers: { authorization: `Bearer ${credential}`, 'content-type': 'application/json' },
        body: JSON.stringify({ inputs: { message: 'x' } }),
      })
    for (let i = 0; i < 5; i++) expect((await send(busy)).status).toBe(200)
    const limited = await send(busy)
    expect(limited.status).toBe(429)
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
    expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(60)
    expect(await limited.json()).toMatchObject({
      code: 'RATE_LIMITED',
      detail: "Rate limit exceeded for caller 'busy-agent': 5 requests per 60s window.",
    })
    expect((await send(other)).status).toBe(200)
  })

  it('pauses a caller whose requests keep being denied (429 with the breaker’s reason)', async () => {
    const reckless = client(gateway.url, await issue('reckless-agent'))
    for (let i = 0; i < 3; i++) {
      expect(await reckless('POST', '/actions/wipe/execute', { inputs: {} })).toMatchObject({
        status: 403,
        body: { status: 'denied', rule: 'never-wipe' },
      })
    }
    const paused = await reckless('POST', '/actions/echo/execute', { inputs: { message: 'x' } })
    expect(paused).toMatchObject({ status: 429, body: { code: 'RATE_LIMITED' } })
    expect(paused.body.detail).toMatch(
      /^Circuit breaker open for caller 'reckless-agent': too many denied requests\. Auto-resumes in \d+s\.$/,
    )
    expect(paused.body.retry_after_s).toBeGreaterThan(290)
  })
})

describe('two gateways sharing Redis', { timeout: 180_000 }, () => {
  it('enforce one combined rate limit: 20 requests split across both admit exactly 10', async () => {
    const config = await project(
      'redis',
      `store: memory
limits:
  redis: ${TEST_REDIS_URL}
  redis_prefix: "${REDIS_PREFIX}"
  rate_limit: { max_requests: 10, window: 1m }
`,
    )
    const [one, two] = await Promise.all([
      startGateway(['--config', config, '--port', '0']),
      startGateway(['--config', config, '--port', '0']),
    ])
    try {
      expect(one.url).not.toBe(two.url)
      const issued = await airlock([
        'token',
        'issue',
        '--config',
        config,
        '--sub',
        'fleet-agent',
        '--roles',
        'agent,ops',
      ])
      const token = issued.out.trim()
      const statuses = await Promise.all(
        Array.from({ length: 20 }, async (_, i) => {
          const response = await fetch(`${(i % 2 === 0 ? one : two).url}/actions/echo/execute`, {
            method: 'POST',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            body: JSON.stringify({ inputs: { message: `m${i}` } }),
          })
          await response.arrayBuffer()
          return response.status
        }),
      )
      expect(statuses.filter((s) => s === 200)).toHaveLength(10)
      expect(statuses.filter((s) => s === 429)).toHaveLength(10)
      expect((await redis.keys(`${REDIS_PREFIX}*`)).length).toBeGreaterThan(0)
    } finally {
      // Each exits cleanly: closing the gateway closed the Redis connection it opened.
      expect(await one.stop()).toBe(0)
      expect(await two.stop()).toBe(0)
    }
  }, 180_000)

  it('refuses to start when Redis cannot be reached, naming the file and key', async () => {
    const config = await project(
      'no-redis',
      `store: memory
limits:
  redis: redis://127.0.0.1:1
  rate_limit: { max_requests: 10, window: 1m }
`,
    )
    const started = await startGateway(['--config', config, '--port', '0']).then(
      () => null,
      (error: unknown) => String(error),
    )
    expect(started).toMatch(/exited with 5 before listening/)
    expect(started).toContain(`${config}: limits.redis: cannot reach Redis at redis://127.0.0.1:1`)
  }, 150_000)
})
