// needs-services: postgres
/**
 * Housekeeping with several gateways on one PostgreSQL schema: the expiry
 * sweep runs on one replica at a time, and however the replicas' sweeps
 * overlap, every expired approval is expired, and audited, exactly once.
 */
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { defineAction } from '../../src/actions/define-action.js'
import { type Airlock, createAirlock } from '../../src/airlock.js'
import { localPrincipal } from '../../src/identity/principal.js'
import { allowAll } from '../../src/policy/rules/index.js'
import { postgresStore } from '../../src/store/postgres/index.js'

const url = process.env.AIRLOCK_TEST_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/test'
const schema = `airlock_sweep_${randomBytes(4).toString('hex')}`
const admin = new pg.Pool({ connectionString: url, max: 2 })
const pools: pg.Pool[] = []
const replicas: Airlock[] = []

afterAll(async () => {
  for (const replica of replicas) await replica.close().catch(() => {})
  for (const pool of pools) await pool.end().catch(() => {})
  await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
  await admin.end()
})

const agent = localPrincipal('agent-7', { roles: ['agent'] })
const transfer = defineAction({
  name: 'transfer',
  description: 'Move money',
  input: z.object({ amount: z.number() }),
  risk: 'high',
  approval_required: true,
  approver_roles: ['approver'],
  handler: ({ amount }) => ({ moved: amount }),
})

// Every replica's clock: moved past the approvals' expiry once they are held.
let skew = 0

async function replica(): Promise<Airlock> {
  const pool = new pg.Pool({ connectionString: url, max: 4 })
  pools.push(pool)
  const store = postgresStore({ pool, schema })
  await store.migrate()
  const seal = { keys: { k1: Buffer.alloc(32, 5) }, current: 'k1' }
  const airlock = createAirlock({
    now: () => new Date(Date.now() + skew),
    actions: [transfer],
    policies: [allowAll()],
    store,
    seal,
  })
  replicas.push(airlock)
  return airlock
}

async function expiredAudited(airlock: Airlock): Promise<string[]> {
  const page = await airlock.audit.list({ status: 'expired' }, 500)
  return page.items.map((e) => e.approval_id ?? '')
}

describe('housekeeping with three replicas on one schema', { timeout: 120_000 }, () => {
  it('sweeps on one replica at a time and audits each expired approval once', async () => {
    const [a, b, c] = [await replica(), await replica(), await replica()]
    const held = await Promise.all(
      Array.from({ length: 12 }, (_, i) => a.execute('transfer', { amount: i }, { caller: agent })),
    )
    const ids = held.map((h) => (h.status === 'pending_approval' ? h.approval_id : ''))
    expect(ids.every((id) => id !== '')).toBe(true)
    skew = 30 * 24 * 3600_000

    // While replica A holds the housekeeping lock, B and C skip their rounds and expire nothing.
    let release: () => void = () => {}
    const holding = new Promise<void>((r) => (release = r))
    let entered: () => void = () => {}
    const inside = new Promise<void>((r) => (entered = r))
    const held_by_a = a.store.exclusive?.('sweep', async () => {
      entered()
      await holding
      return 'held'
    })
    await inside
    expect(await b.sweep()).toEqual({ expired: 0, idempotency_purged: 0, nonces_purged: 0 })
    expect(await c.sweep()).toEqual({ expired: 0, idempotency_purged: 0, nonces_purged: 0 })
    expect(await expiredAudited(a)).toEqual([])
    expect((await a.approvals.get(agent, ids[0] ?? '')).status).toBe('pending')
    release()
    expect(await held_by_a).toBe('held')

    // Released, all three sweep together, repeatedly: the twelve expire once between them.
    const rounds = await Promise.all(
      Array.from({ length: 3 }, () => Promise.all([a.sweep(), b.sweep(), c.sweep()])),
    )
    const expired = rounds.flat().reduce((sum, r) => sum + r.expired, 0)
    expect(expired).toBe(12)
    const audited = await expiredAudited(b)
    expect(audited.toSorted()).toEqual(ids.toSorted())
    expect((await c.approvals.get(agent, ids[0] ?? '')).status).toBe('expired')
    expect(await c.audit.verify()).toMatchObject({ valid: true })
  })
})
