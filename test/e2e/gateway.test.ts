// needs-services: postgres
/**
 * `airlock serve` as a real process on a real port, against SQLite and
 * PostgreSQL: every endpoint and status code over HTTP, the approval CLI
 * through the gateway, and a graceful shutdown followed by a restart.
 *
 * PostgreSQL being down fails this suite: it is never skipped.
 */
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CLI, client, type GatewayProcess, ROOT, startGateway, stopAll } from './helpers/gateway-process.js'

const CONFIG = 'test/e2e/fixtures/gateway/airlock.config.yaml'
const AGENT = 'ak_e2e_agent_Zx81'
const APPROVER = 'ak_e2e_approver_Qw52'
const OUTSIDER = 'ak_e2e_outsider_Lm07'
const SEAL_KEY = randomBytes(32).toString('base64')
const POSTGRES = process.env.AIRLOCK_TEST_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/test'
const schema = `airlock_e2e_${randomBytes(4).toString('hex')}`
let tmp: string

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'airlock-e2e-'))
})

afterAll(async () => {
  await stopAll()
  await rm(tmp, { recursive: true, force: true })
  const pool = new pg.Pool({ connectionString: POSTGRES })
  try {
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
  } finally {
    await pool.end()
  }
}, 60_000)

/** Runs the CLI as a process and collects its output. */
function runCliProcess(args: readonly string[]): Promise<{ code: number | null; out: string; err: string }> {
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

const backends = [
  { name: 'sqlite', store: () => `sqlite:${join(tmp, 'gateway.db')}` },
  { name: 'postgres', store: () => `${POSTGRES}?schema=${schema}` },
]

describe.each(backends)('airlock serve on $name', ({ store }) => {
  let gateway: GatewayProcess
  let agent: ReturnType<typeof client>
  let approver: ReturnType<typeof client>
  let outsider: ReturnType<typeof client>
  let anonymous: ReturnType<typeof client>

  beforeAll(async () => {
    gateway = await startGateway(['--config', CONFIG, '--port', '0', '--store', store()], {
      AIRLOCK_E2E_SEAL_KEY: SEAL_KEY,
    })
    agent = client(gateway.url, AGENT)
    approver = client(gateway.url, APPROVER)
    outsider = client(gateway.url, OUTSIDER)
    anonymous = client(gateway.url)
  }, 150_000)

  afterAll(async () => {
    await gateway?.stop()
  }, 60_000)

  it('answers health, ready and the OpenAPI document without credentials', async () => {
    expect(await anonymous('GET', '/health')).toMatchObject({ status: 200, body: { status: 'ok' } })
    expect(await anonymous('GET', '/ready')).toMatchObject({ status: 200, body: { status: 'ok' } })
    const openapi = await anonymous('GET', '/openapi.json')
    expect(openapi.status).toBe(200)
    expect(Object.keys(openapi.body.paths as object)).toEqual(
      expect.arrayContaining(['/actions/{name}/execute', '/approvals/{id}/approve', '/audit/verify']),
    )
  })

  it('answers 401 problem+json without a credential or with a wrong key', async () => {
    const none = await anonymous('GET', '/actions')
    expect(none).toMatchObject({ status: 401, body: { code: 'UNAUTHENTICATED' } })
    expect(none.type).toContain('application/problem+json')
    expect(await client(gateway.url, 'ak_wrong')('GET', '/actions')).toMatchObject({ status: 401 })
  })

  it('lists the actions with their input schemas', async () => {
    const list = await agent('GET', '/actions')
    expect(list.status).toBe(200)
    const actions = list.body.actions as { name: string; input_schema: Record<string, unknown> }[]
    expect(actions.map((a) => a.name)).toEqual(['echo', 'explode', 'slow', 'transfer', 'wipe'])
    expect(actions[0]?.input_schema).toMatchObject({ type: 'object', required: ['message'] })
  })

  it('executes: 200 executed, 404 unknown, 422 invalid, 403 denied, 500 failed', async () => {
    expect(await agent('POST', '/actions/echo/execute', { inputs: { message: 'hi' } })).toMatchObject({
      status: 200,
      body: { status: 'executed', result: { message: 'hi' }, replayed: false },
    })
    expect(await agent('POST', '/actions/nope/execute', { inputs: {} })).toMatchObject({
      status: 404,
      body: { code: 'ACTION_NOT_FOUND' },
    })
    const invalid = await agent('POST', '/actions/echo/execute', { inputs: { message: 5, extra: true } })
    expect(invalid).toMatchObject({ status: 422, body: { code: 'INPUT_INVALID' } })
    expect((invalid.body.issues as { path: unknown[] }[]).map((i) => i.path)).toEqual(
      expect.arrayContaining([['message']]),
    )
    expect(await agent('POST', '/actions/wipe/execute', { inputs: {} })).toMatchObject({
      status: 403,
      body: { status: 'denied', code: 'POLICY', rule: 'never-wipe' },
    })
    // The approver may not run ops actions: no rule allows it, and the default is deny.
    expect(await approver('POST', '/actions/echo/execute', { inputs: { message: 'x' } })).toMatchObject({
      status: 403,
      body: { status: 'denied' },
    })
    expect(await agent('POST', '/actions/explode/execute', { inputs: {} })).toMatchObject({
      status: 500,
      body: { status: 'failed', error: { message: 'the ledger is on fire' } },
    })
  })

  it('runs an idempotent call once: 409 while in flight, then replays, 422 for other inputs', async () => {
    const key = { 'idempotency-key': `slow-${randomBytes(3).toString('hex')}` }
    const first = agent('POST', '/actions/slow/execute', { inputs: { ms: 1500 } }, key)
    await sleep(300)
    expect(await agent('POST', '/actions/slow/execute', { inputs: { ms: 1500 } }, key)).toMatchObject({
      status: 409,
      body: { code: 'IDEMPOTENCY_IN_FLIGHT' },
    })
    const done = await first
    expect(done).toMatchObject({
      status: 200,
      body: { status: 'executed', replayed: false, result: { waited: 1500 } },
    })
    const replay = await agent('POST', '/actions/slow/execute', { inputs: { ms: 1500 } }, key)
    expect(replay).toMatchObject({ status: 200, body: { replayed: true, request_id: done.body.request_id } })
    expect(await agent('POST', '/actions/slow/execute', { inputs: { ms: 10 } }, key)).toMatchObject({
      status: 422,
      body: { code: 'IDEMPOTENCY_KEY_REUSED' },
    })
  })

  it('checks one request and a plan without running anything', async () => {
    expect(await agent('POST', '/check', { action: 'echo', inputs: { message: 'x' } })).toMatchObject({
      status: 200,
      body: { decision: 'allow' },
    })
    const plan = await agent('POST', '/check-plan', {
      steps: [
        { action: 'echo', inputs: { message: 'x' } },
        { action: 'transfer', inputs: { amount: 1, to: 'bob' } },
        { action: 'wipe', inputs: {} },
      ],
    })
    expect(plan.status).toBe(200)
    expect(JSON.stringify(plan.body)).toMatch(/"allow".*"require_approval".*"deny"/)
  })

  it('holds, lists, shows and decides approvals with 403, 404 and 409 where they belong', async () => {
    const held = await agent('POST', '/actions/transfer/execute', { inputs: { amount: 70, to: 'acct-9' } })
    expect(held).toMatchObject({ status: 202, body: { status: 'pending_approval' } })
    const id = held.body.approval_id as string

    const list = await approver('GET', '/approvals?status=pending')
    expect(list.status).toBe(200)
    expect((list.body.items as { id: string }[]).map((a) => a.id)).toContain(id)
    expect(await approver('GET', `/approvals/${id}`)).toMatchObject({
      status: 200,
      body: { id, status: 'pending', requester: 'agent-1', inputs: { amount: 70, to: 'acct-9' } },
    })
    expect(await approver('GET', '/approvals/apr-000000000000000000000000')).toMatchObject({ status: 404 })

    expect(await agent('POST', `/approvals/${id}/approve`, {})).toMatchObject({
      status: 403,
      body: { code: 'APPROVAL_SELF_DECISION' },
    })
    expect(await outsider('POST', `/approvals/${id}/approve`, {})).toMatchObject({
      status: 403,
      body: { code: 'APPROVER_NOT_ALLOWED' },
    })
    expect(await approver('POST', `/approvals/${id}/approve`, { comment: 'fine' })).toMatchObject({
      status: 200,
      body: {
        status: 'executed',
        result: { transferred: 70, to: 'acct-9' },
        approval: { status: 'executed', decided_by: 'alice' },
      },
    })
    expect(await approver('POST', `/approvals/${id}/approve`, {})).toMatchObject({
      status: 409,
      body: { code: 'APPROVAL_ALREADY_DECIDED' },
    })

    const second = await agent('POST', '/actions/transfer/execute', { inputs: { amount: 5, to: 'acct-1' } })
    const secondId = second.body.approval_id as string
    expect(await approver('POST', `/approvals/${secondId}/reject`, { comment: 'no' })).toMatchObject({
      status: 200,
      body: { status: 'rejected', approval: { status: 'rejected', comment: 'no' } },
    })
    expect(await approver('POST', `/approvals/${secondId}/reject`, {})).toMatchObject({ status: 409 })
    expect(await approver('POST', '/approvals/apr-000000000000000000000000/reject', {})).toMatchObject({
      status: 404,
    })
  })

  it('lets an operator decide through the gateway with airlock approval --url', async () => {
    const held = await agent('POST', '/actions/transfer/execute', { inputs: { amount: 9, to: 'acct-3' } })
    const id = held.body.approval_id as string
    const list = await runCliProcess(['approval', 'list', '--url', gateway.url, '--api-key', APPROVER])
    expect(list.code).toBe(0)
    expect(list.out).toContain(id)
    const self = await runCliProcess(['approval', 'approve', id, '--url', gateway.url, '--api-key', AGENT])
    expect(self.code).toBe(1)
    expect(self.err).toContain('APPROVAL_SELF_DECISION')
    const approve = await runCliProcess([
      'approval',
      'approve',
      id,
      '--url',
      gateway.url,
      '--api-key',
      APPROVER,
      '--json',
    ])
    expect(approve.code).toBe(0)
    expect(JSON.parse(approve.out)).toMatchObject({ status: 'executed', result: { transferred: 9 } })
  }, 120_000)

  it('keeps a redacted audit trail whose chain verifies', async () => {
    await agent('POST', '/actions/echo/execute', {
      inputs: { message: 'pay', card_number: '4111111111111111' },
    })
    const audit = await approver('GET', '/audit?limit=200')
    expect(audit.status).toBe(200)
    const items = audit.body.items as Record<string, unknown>[]
    const statuses = new Set(items.map((e) => e.status))
    for (const s of ['executed', 'denied', 'held', 'approved', 'rejected', 'failed', 'replayed'])
      expect(statuses).toContain(s)
    expect(JSON.stringify(items)).not.toContain('4111111111111111')
    expect(await approver('GET', '/audit/verify')).toMatchObject({ status: 200, body: { valid: true } })
    // Auditors only: the agent reads its own events, never the chain's state.
    expect((await agent('GET', '/audit/verify')).status).toBe(403)
  })

  it('logs one JSON line per request, naming the actor and never a key', async () => {
    const lines = gateway.logs().filter((l) => l.msg === 'request')
    expect(lines.length).toBeGreaterThan(10)
    expect(lines).toContainEqual(
      expect.objectContaining({
        method: 'POST',
        path: '/actions/echo/execute',
        status: 200,
        actor: 'agent-1',
      }),
    )
    for (const secret of [AGENT, APPROVER, OUTSIDER, SEAL_KEY, '4111111111111111']) {
      expect(gateway.stdout() + gateway.stderr()).not.toContain(secret)
    }
  })

  it('finishes an in-flight request on SIGTERM, closes cleanly, and the chain verifies after a restart', async () => {
    const inFlight = agent('POST', '/actions/slow/execute', { inputs: { ms: 2000 } })
    await sleep(500)
    const exit = gateway.stop('SIGTERM')
    const response = await inFlight
    expect(response).toMatchObject({ status: 200, body: { status: 'executed', result: { waited: 2000 } } })
    expect(await exit).toBe(0)
    expect(gateway.logs().map((l) => l.msg)).toContain('airlock stopped')
    expect(gateway.logs().map((l) => l.msg)).toEqual(expect.arrayContaining(['shutting down', 'stopped']))
    await expect(fetch(`${gateway.url}/health`)).rejects.toThrow()

    gateway = await startGateway(['--config', CONFIG, '--port', '0', '--store', store()], {
      AIRLOCK_E2E_SEAL_KEY: SEAL_KEY,
    })
    const restarted = client(gateway.url, APPROVER)
    const verify = await restarted('GET', '/audit/verify')
    expect(verify).toMatchObject({ status: 200, body: { valid: true } })
    const events = await restarted('GET', `/audit?request_id=${response.body.request_id as string}`)
    expect((events.body.items as { status: string }[]).map((e) => e.status)).toEqual(['executed', 'started'])
  }, 180_000)
})
