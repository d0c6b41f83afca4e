// needs-services: postgres
/**
 * Approval decisions announced over PostgreSQL LISTEN/NOTIFY: a waiter on
 * one gateway (its own pool, as another replica would have) is released by
 * a decision taken on another, with polling set so slow that only the
 * announcement can be what released it; the listener comes back by
 * itself after its connection is killed; freezes, lifts and policy
 * reloads are announced too; and an outage that also takes the listening
 * connection is reported once, not once per reconnection attempt.
 */
import { randomBytes } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { defineAction } from '../../src/actions/define-action.js'
import { type Airlock, createAirlock } from '../../src/airlock.js'
import { localPrincipal } from '../../src/identity/principal.js'
import { allowAll } from '../../src/policy/rules/index.js'
import { APPROVAL_TOPIC, FREEZE_TOPIC, POLICY_TOPIC } from '../../src/store/change-feed.js'
import { postgresStore } from '../../src/store/postgres/index.js'
import type { Store } from '../../src/store/store.js'
import { startTcpProxy } from '../helpers/tcp-proxy.js'

const url = process.env.AIRLOCK_TEST_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/test'
const schema = `airlock_feed_${randomBytes(4).toString('hex')}`
const admin = new pg.Pool({ connectionString: url, max: 2 })
const pools: pg.Pool[] = []
const stores: Store[] = []

afterAll(async () => {
  for (const store of stores) await store.close()
  for (const pool of pools) await pool.end()
  await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
  await admin.end()
})

const agent = localPrincipal('agent-7', { roles: ['agent'] })
const approver = localPrincipal('alice', { roles: ['approver'] })
const transfer = defineAction({
  name: 'transfer',
  description: 'Move money',
  input: z.object({ amount: z.number() }),
  risk: 'high',
  approval_required: true,
  approver_roles: ['approver'],
  handler: ({ amount }) => ({ moved: amount }),
})

/** A gateway with its own pool, tagged so the test can find its listening connection. */
async function gateway(name: string): Promise<{ airlock: Airlock; store: Store; app: string }> {
  const app = `${schema}_${name}`
  const pool = new pg.Pool({ connectionString: url, max: 4, application_name: app })
  pools.push(pool)
  const store = postgresStore({ pool, schema })
  await store.migrate()
  stores.push(store)
  const seal = { keys: { k1: Buffer.alloc(32, 3) }, current: 'k1' }
  return { airlock: createAirlock({ actions: [transfer], policies: [allowAll()], store, seal }), store, app }
}

async function until(fn: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (const end = Date.now() + 20_000; Date.now() < end; await sleep(20)) if (await fn()) return
  throw new Error(`timed out waiting until ${what}`)
}

async function held(airlock: Airlock): Promise<string> {
  const outcome = await airlock.execute('transfer', { amount: 5 }, { caller: agent })
  if (outcome.status !== 'pending_approval') throw new Error(`expected a held call, got ${outcome.status}`)
  return outcome.approval_id
}

// Polling every minute: within the test's time only an announcement can release a waiter.
const DECIDED = ['approved', 'executing', 'executed']
const NO_POLLING = { timeout_ms: 120_000, poll_ms: 60_000 }

describe('postgres change feed', () => {
  it('releases a waiter on one gateway when another decides, through an announcement', async () => {
    const a = await gateway('a')
    const b = await gateway('b')
    const id = await held(a.airlock)
    const waiting = a.airlock.approvals.wait(agent, id, NO_POLLING)
    await until(() => a.store.changes?.live === true, 'gateway A listens')
    await b.airlock.approvals.approve(id, { approver })
    // Approving runs the in-process handler at once, so the waiter may read any state past the decision.
    expect(DECIDED).toContain((await waiting).status)
  })

  it('announces to every subscriber of the schema, and only of that schema', async () => {
    const a = await gateway('c')
    const other = postgresStore({ pool: admin, schema: `${schema}_other` })
    stores.push(other)
    const heard: string[] = []
    const unheard: string[] = []
    const offA = a.store.changes!.subscribe(APPROVAL_TOPIC, (key) => heard.push(key))
    const offOther = other.changes!.subscribe(APPROVAL_TOPIC, (key) => unheard.push(key))
    await until(() => a.store.changes?.live === true && other.changes?.live === true, 'both listen')
    await a.store.changes!.publish(APPROVAL_TOPIC, ['apr-1', 'apr-2'])
    await until(() => heard.length === 2, 'both keys arrive')
    expect(heard).toEqual(['apr-1', 'apr-2'])
    expect(unheard).toEqual([])
    offA()
    offOther()
    await until(() => other.changes?.live === false, 'a store stops listening with nobody subscribed')
  })

  it('listens again after its connection is killed, and a decision still releases the waiter', async () => {
    const a = await gateway('d')
    const b = await gateway('e')
    const id = await held(a.airlock)
    const waiting = a.airlock.approvals.wait(agent, id, NO_POLLING)
    await until(() => a.store.changes?.live === true, 'gateway A listens')
    const killed = await admin.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE application_name = $1 AND query LIKE 'LISTEN%'`,
      [a.app],
    )
    expect(killed.rowCount).toBe(1)
    await until(() => a.store.changes?.live === false, 'gateway A notices the loss')
    // While it is not listening the waiter polls at its short fallback interval, so wait for the new connection first.
    await until(() => a.store.changes?.live === true, 'gateway A listens again')
    await b.airlock.approvals.approve(id, { approver })
    // Approving runs the in-process handler at once, so the waiter may read any state past the decision.
    expect(DECIDED).toContain((await waiting).status)
  })

  it('announces freezes, lifts and policy reloads to the other stores of the schema', async () => {
    const a = await gateway('f')
    const b = await gateway('g')
    const heard: string[] = []
    const offFreeze = b.store.changes!.subscribe(FREEZE_TOPIC, (key) => heard.push(`freeze ${key}`))
    const offPolicy = b.store.changes!.subscribe(POLICY_TOPIC, (key) => heard.push(`policy ${key}`))
    await until(() => b.store.changes?.live === true, 'gateway B listens')
    const at = new Date().toISOString()
    const frozen = await a.store.freezes!.add({
      id: `frz-${randomBytes(12).toString('hex')}`,
      scope: { kind: 'all' },
      reason: 'incident',
      created_by: 'ops',
      created_at: at,
    })
    await a.store.freezes!.lift(frozen.id, 'ops', at)
    await a.store.policy_head!.announce({
      hash: 'h-next',
      version: 'v2',
      label: null,
      announced_by: 'ops',
      announced_at: at,
    })
    await until(() => heard.length === 3, 'three announcements arrive')
    expect(heard).toEqual([`freeze ${frozen.id}`, `freeze ${frozen.id}`, 'policy h-next'])
    offFreeze()
    offPolicy()
  })

  it('reports an outage that takes its listening connection once, however often it reconnects', async () => {
    const proxy = await startTcpProxy(new URL(url).hostname, Number(new URL(url).port || 5432))
    const through = new URL(url)
    through.host = `127.0.0.1:${proxy.port}`
    const pool = new pg.Pool({ connectionString: through.toString(), max: 4 })
    pools.push(pool)
    const store = postgresStore({ pool, schema })
    stores.push(store)
    const changes: string[] = []
    store.health?.onChange((h) => changes.push(h.state))
    const off = store.changes!.subscribe(FREEZE_TOPIC, () => undefined)
    try {
      await until(() => store.changes?.live === true, 'the store listens')
      // Idle pooled connections die with the listening one, as in a real outage.
      await Promise.all([store.freezes!.active(), store.freezes!.active(), store.ping()])
      proxy.cut()
      await until(() => store.changes?.live === false, 'the listening connection is lost')
      // Reads keep coming (requests, freeze polling) while the listener retries every second.
      for (const end = Date.now() + 2_500; Date.now() < end; await sleep(100)) {
        await store.freezes!.active().catch(() => undefined)
      }
      expect(changes).toEqual(['down'])
      proxy.restore()
      await until(async () => {
        await store.ping().catch(() => undefined)
        return store.health?.state === 'up'
      }, 'the store is reachable again')
      expect(changes).toEqual(['down', 'up'])
    } finally {
      off()
      proxy.restore()
      await proxy.close()
    }
  })
})
