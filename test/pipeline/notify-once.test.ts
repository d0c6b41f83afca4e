// needs-services: postgres
/**
 * Channel notices go out once per approval however many replicas are asked
 * to send them: three gateways on one PostgreSQL schema, each with its own
 * pool and its own channel. The replica that held the call died before
 * telling anyone (it had no channel) and before storing its outcome; the
 * two others are retried with the same key at the same time, and exactly
 * one of them tells its channel.
 */
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { defineAction } from '../../src/actions/define-action.js'
import { type Airlock, createAirlock } from '../../src/airlock.js'
import type { ApprovalNotice, Channel } from '../../src/approvals/channels/channel.js'
import { localPrincipal } from '../../src/identity/principal.js'
import { allowAll } from '../../src/policy/rules/index.js'
import { postgresStore } from '../../src/store/postgres/index.js'

const url = process.env.AIRLOCK_TEST_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/test'
const schema = `airlock_notice_${randomBytes(4).toString('hex')}`
const admin = new pg.Pool({ connectionString: url, max: 2 })
const pools: pg.Pool[] = []

afterAll(async () => {
  for (const pool of pools) await pool.end()
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

/** A channel that only counts what it was told. */
function countingChannel(): Channel & { readonly notices: ApprovalNotice[] } {
  const notices: ApprovalNotice[] = []
  return {
    name: 'counting',
    notices,
    notify: async (notice) => {
      notices.push(notice)
      return null
    },
  }
}

async function replica(channels: Channel[]): Promise<Airlock> {
  const pool = new pg.Pool({ connectionString: url, max: 4 })
  pools.push(pool)
  const store = postgresStore({ pool, schema })
  await store.migrate()
  const seal = { keys: { k1: Buffer.alloc(32, 5) }, current: 'k1' }
  return createAirlock({ actions: [transfer], policies: [allowAll()], store, seal, channels })
}

const send = (airlock: Airlock) =>
  airlock.execute('transfer', { amount: 5 }, { caller: agent, idempotency_key: 'pay-1' })

describe('channel notices with several replicas', () => {
  it('are sent once per approval when several replicas take over a held call', async () => {
    const holder = await replica([])
    const held = await send(holder)
    if (held.status !== 'pending_approval') throw new Error(`expected a held call, got ${held.status}`)
    await holder.close()
    // The holder "died" before storing its outcome: its key is in flight under a lease that has run out.
    await admin.query(
      `UPDATE "${schema}".airlock_idempotency
        SET state = 'in_flight', outcome = NULL, expires_at = NULL, owner = 'dead', lease_until = $1`,
      [new Date(Date.now() - 1000).toISOString()],
    )

    const channels = [countingChannel(), countingChannel(), countingChannel()]
    const others = await Promise.all(channels.map((channel) => replica([channel])))
    const retries = await Promise.all(others.flatMap((airlock) => [send(airlock), send(airlock)]))
    for (const outcome of retries) {
      expect(outcome).toMatchObject({ status: 'pending_approval', approval_id: held.approval_id })
    }
    // Closing drains the notices still being delivered.
    await Promise.all(others.map((airlock) => airlock.close()))
    const notices = channels.flatMap((channel) => channel.notices)
    expect(notices).toHaveLength(1)
    expect(notices[0]).toMatchObject({ approval_id: held.approval_id, action: 'transfer' })
  })
})
