// needs-services: postgres, redis
/**
 * Three `airlock serve` processes (the built CLI) on one PostgreSQL schema
 * and one Redis, behind a round-robin proxy: work spread over replicas runs
 * once, a decision on one replica releases a waiter on another, a replica
 * killed under load loses no acknowledged request, and an outage of
 * PostgreSQL or Redis (cut at a TCP proxy the test controls) is answered
 * with 503s and recovered from without a restart.
 *
 * Needs `npm run build` (dist/), PostgreSQL and Redis; never skipped.
 */
import { randomBytes, randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { verifyStore } from '../../src/audit/verify-chain.js'
import { postgresStore } from '../../src/store/postgres/index.js'
import { client, type GatewayProcess, startNode, stopAll } from '../e2e/helpers/gateway-process.js'
import { type RoundRobinProxy, startRoundRobinProxy } from '../helpers/round-robin-proxy.js'
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js'

const CONFIG = 'test/replicas/fixtures/airlock.config.yaml'
const AGENT = 'ak_e2e_agent_Zx81'
const APPROVER = 'ak_e2e_approver_Qw52'
const POSTGRES = new URL(process.env.AIRLOCK_TEST_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/test')
const REDIS = new URL(process.env.AIRLOCK_TEST_REDIS ?? 'redis://127.0.0.1:6379')
const schema = `airlock_rep_${randomBytes(4).toString('hex')}`
const pool = new pg.Pool({ connectionString: POSTGRES.toString(), max: 4 })

let pgProxy: TcpProxy
let redisProxy: TcpProxy
let lb: RoundRobinProxy
let replicas: GatewayProcess[] = []

function startReplica(): Promise<GatewayProcess> {
  const store = new URL(POSTGRES)
  store.host = `127.0.0.1:${pgProxy.port}`
  store.searchParams.set('schema', schema)
  return startNode(
    ['dist/cli/bin.js', 'serve', '--config', CONFIG, '--port', '0', '--store', store.toString()],
    {
      AIRLOCK_REPLICA_REDIS: `redis://127.0.0.1:${redisProxy.port}`,
      AIRLOCK_REPLICA_REDIS_PREFIX: `${schema}:`,
      AIRLOCK_REPLICA_SEAL_KEY: SEAL_KEY,
    },
  )
}
const SEAL_KEY = randomBytes(32).toString('base64')

async function auditCount(where: string, values: unknown[]): Promise<number> {
  const { rows } = await pool.query<{ n: string }>(
    `SELECT count(*) AS n FROM "${schema}".airlock_audit_events WHERE ${where}`,
    values,
  )
  return Number(rows[0]?.n)
}

/** Polls until `fn` returns true; for recovery, whose timing depends on the machine's load. */
async function eventually(fn: () => Promise<boolean>, within_ms: number): Promise<void> {
  const end = Date.now() + within_ms
  while (!(await fn())) {
    if (Date.now() > end) throw new Error('condition not met in time')
    await sleep(200)
  }
}

const echo = (url: string, message: string, headers: Record<string, string> = {}) =>
  client(url, AGENT)('POST', '/actions/echo/execute', { inputs: { message } }, headers)

beforeAll(async () => {
  pgProxy = await startTcpProxy(POSTGRES.hostname, Number(POSTGRES.port || 5432))
  redisProxy = await startTcpProxy(REDIS.hostname, Number(REDIS.port || 6379))
  // The first replica migrates alone, so three starts do not race on a fresh schema's first use.
  replicas = [await startReplica()]
  replicas.push(...(await Promise.all([startReplica(), startReplica()])))
  lb = await startRoundRobinProxy(replicas.map((r) => r.url))
}, 180_000)

afterAll(async () => {
  await stopAll()
  await lb?.close()
  await pgProxy?.close()
  await redisProxy?.close()
  await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
  await pool.end()
}, 60_000)

describe('three replicas on one PostgreSQL and one Redis', () => {
  it('runs same-key executes spread over the replicas once', async () => {
    const key = `key-${randomUUID()}`
    const answers = await Promise.all(
      Array.from({ length: 12 }, () => echo(lb.url, 'once', { 'idempotency-key': key })),
    )
    for (const a of answers) expect(a).toMatchObject({ status: 200, body: { result: { message: 'once' } } })
    const requestIds = new Set(answers.map((a) => a.body.request_id))
    expect(requestIds.size).toBe(1)
    expect(await auditCount(`status = 'executed' AND request_id = $1`, [[...requestIds][0]])).toBe(1)
  })

  it('releases a long-poll on replica A when replica B approves', async () => {
    const [a, b] = replicas as [GatewayProcess, GatewayProcess]
    const held = await client(a.url, AGENT)('POST', '/actions/transfer/execute', {
      inputs: { amount: 5, to: 'bob' },
    })
    expect(held.status).toBe(202)
    const id = String(held.body.approval_id)
    const waiting = client(a.url, AGENT)('GET', `/approvals/${id}?wait=20`).then((r) => ({
      ...r,
      at: Date.now(),
    }))
    await sleep(300)
    const approved = await client(b.url, APPROVER)('POST', `/approvals/${id}/approve`, {})
    const decidedAt = Date.now()
    expect(approved.status).toBe(200)
    const released = await waiting
    expect(released.body.status).not.toBe('pending')
    expect(released.at - decidedAt).toBeLessThan(1000)
  })

  it('loses no acknowledged request when a replica is killed under load, and the chain verifies', async () => {
    const victim = replicas[2] as GatewayProcess
    const acknowledged: string[] = []
    let stop = false
    const worker = async () => {
      while (!stop) {
        const r = await echo(lb.url, 'load').catch(() => null)
        if (r && r.status >= 200 && r.status < 300) acknowledged.push(String(r.body.request_id))
      }
    }
    const workers = Array.from({ length: 8 }, worker)
    await sleep(700)
    process.kill(victim.pid, 'SIGKILL')
    await victim.exited
    await sleep(700)
    stop = true
    await Promise.all(workers)
    expect(acknowledged.length).toBeGreaterThan(10)
    const { rows } = await pool.query<{ request_id: string }>(
      `SELECT DISTINCT request_id FROM "${schema}".airlock_audit_events WHERE status = 'executed' AND request_id = ANY($1)`,
      [acknowledged],
    )
    expect(rows.length).toBe(acknowledged.length)
    const store = postgresStore({ pool, schema })
    expect(await verifyStore(store)).toMatchObject({ valid: true })
    // The survivors carry on; the balancer keeps only them.
    replicas = replicas.slice(0, 2)
    await lb.close()
    lb = await startRoundRobinProxy(replicas.map((r) => r.url))
  }, 60_000)

  it('answers 503 STORE_UNAVAILABLE while PostgreSQL is unreachable, then recovers without a restart', async () => {
    pgProxy.cut()
    try {
      const during = await echo(lb.url, 'down')
      expect(during.status).toBe(503)
      expect(during.type).toContain('application/problem+json')
      expect(during.body.code).toBe('STORE_UNAVAILABLE')
      const ready = await client(replicas[0]?.url ?? '')('GET', '/ready')
      expect(ready).toMatchObject({ status: 503, body: { dependencies: { store: 'down', limits: 'up' } } })
      expect((await client(replicas[0]?.url ?? '')('GET', '/health')).status).toBe(200)
      await sleep(5000)
      const late = await echo(lb.url, 'still down')
      expect(late.status).toBe(503)
    } finally {
      pgProxy.restore()
    }
    await eventually(async () => {
      const answers = await Promise.all(replicas.map((r) => echo(r.url, 'back')))
      return answers.every((a) => a.status === 200)
    }, 15_000)
    for (const r of replicas) {
      expect(await client(r.url)('GET', '/ready')).toMatchObject({ status: 200, body: { status: 'ok' } })
      expect(r.stdout()).not.toContain('postgres://')
      const downs = r.logs().filter((l) => l.msg === 'dependency unreachable' && l.dependency === 'store')
      expect(downs.length).toBe(1)
    }
  }, 60_000)

  it('answers 503 LIMITS_UNAVAILABLE while Redis is unreachable, then recovers without a restart', async () => {
    redisProxy.cut()
    try {
      await sleep(200)
      const during = await echo(lb.url, 'no limits')
      expect(during).toMatchObject({ status: 503, body: { code: 'LIMITS_UNAVAILABLE' } })
      const ready = await client(replicas[0]?.url ?? '')('GET', '/ready')
      expect(ready).toMatchObject({ status: 503, body: { dependencies: { store: 'up', limits: 'down' } } })
      await sleep(5000)
      expect((await echo(lb.url, 'still no limits')).status).toBe(503)
    } finally {
      redisProxy.restore()
    }
    await eventually(async () => {
      const answers = await Promise.all(replicas.map((r) => echo(r.url, 'limits back')))
      return answers.every((a) => a.status === 200)
    }, 15_000)
    for (const r of replicas) {
      expect(await client(r.url)('GET', '/ready')).toMatchObject({ status: 200 })
    }
  }, 60_000)
})
