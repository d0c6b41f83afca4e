import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { defineAction } from '../../src/actions/define-action.js'
import { type Airlock, createAirlock } from '../../src/airlock.js'
import { AirlockError } from '../../src/errors/airlock-error.js'
import { ErrorCode } from '../../src/errors/error-codes.js'
import { storedIdempotencyKey } from '../../src/idempotency/key-scope.js'
import { localPrincipal } from '../../src/identity/principal.js'
import { allowAll } from '../../src/policy/rules/index.js'
import { openStore } from '../../src/store/open-store.js'
import type { Store } from '../../src/store/store.js'

// A held call writes its approval, then stores its outcome under the key. These
// tests leave the key as a process that died between the two writes leaves it.

const agent = localPrincipal('agent-7', { roles: ['agent'] })
const otherAgent = localPrincipal('agent-8', { roles: ['agent'] })
const approver = localPrincipal('alice', { roles: ['approver'] })
const refund = defineAction({
  name: 'issue_refund',
  description: 'Refund an invoice',
  input: z.object({ invoice_id: z.string(), amount: z.number() }),
  risk: 'high',
  approval_required: true,
  approver_roles: ['approver'],
  handler: ({ amount }) => ({ refunded: amount }),
})

const SEAL_KEY = Buffer.alloc(32, 7)
const opened: Store[] = []
const dirs: string[] = []
afterEach(async () => {
  for (const store of opened.splice(0)) await store.close()
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

async function processOn(file: string, wait_ms = 200): Promise<Airlock> {
  const store = await openStore(`sqlite:${file}`)
  await store.migrate()
  opened.push(store)
  return createAirlock({
    actions: [refund],
    policies: [allowAll()],
    store,
    seal: { keys: { k1: SEAL_KEY }, current: 'k1' },
    idempotency: { wait_ms },
  })
}

/** Puts the key back in flight, owned by a holder that never comes back, with its lease ending at `lease_until`. */
function abandonKey(file: string, lease_until: string): void {
  const raw = new Database(file)
  raw
    .prepare(
      `UPDATE airlock_idempotency SET state = 'in_flight', outcome = NULL, expires_at = NULL, owner = 'dead', lease_until = ?`,
    )
    .run(lease_until)
  raw.close()
}

async function heldThenDied(): Promise<{ file: string; approval_id: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-held-key-'))
  dirs.push(dir)
  const file = join(dir, 'airlock.db')
  const first = await processOn(file)
  const held = await first.execute(
    'issue_refund',
    { invoice_id: 'inv_1', amount: 250 },
    { caller: agent, idempotency_key: 'r1' },
  )
  if (held.status !== 'pending_approval') throw new Error(`expected a held call, got ${held.status}`)
  return { file, approval_id: held.approval_id }
}

const retry = (airlock: Airlock, caller = agent) =>
  airlock.execute('issue_refund', { invoice_id: 'inv_1', amount: 250 }, { caller, idempotency_key: 'r1' })

describe('a held call whose process died before storing its outcome', () => {
  it('a retry gets the same approval back while the dead holder still has its lease', async () => {
    const { file, approval_id } = await heldThenDied()
    abandonKey(file, new Date(Date.now() + 3600_000).toISOString())

    const second = await processOn(file)
    await second.approvals.approve(approval_id, { approver })
    const outcome = await retry(second)

    expect(outcome).toMatchObject({ status: 'pending_approval', replayed: true, approval_id })
    expect((await second.approvals.list(agent, { limit: 10 })).items).toHaveLength(1)
    const resumed = await second.approvals.resume(agent, approval_id)
    expect(resumed).toMatchObject({ status: 'executed', result: { refunded: 250 } })
  })

  it('a retry after the lease stores the held outcome under the key instead of holding a second time', async () => {
    const { file, approval_id } = await heldThenDied()
    abandonKey(file, new Date(Date.now() - 1000).toISOString())

    const second = await processOn(file)
    expect(await retry(second)).toMatchObject({ status: 'pending_approval', replayed: true, approval_id })
    expect((await second.approvals.list(agent, { limit: 10 })).items).toHaveLength(1)

    const third = await processOn(file)
    expect(await retry(third)).toMatchObject({ status: 'pending_approval', replayed: true, approval_id })
    // Keys are stored per actor by default.
    const stored = storedIdempotencyKey('actor', agent.actor_id, 'r1')
    const key = opened[1]!.idempotency.get({
      tenant_id: agent.tenant_id,
      action: 'issue_refund',
      key: stored,
    })
    expect(await key).toMatchObject({ state: 'completed' })
    expect(await third.audit.verify()).toMatchObject({ valid: true })
  })

  it('a retry does not take back an approval an earlier use of the key held', async () => {
    const { file, approval_id } = await heldThenDied()
    // The approval was made by a use of the key long past its retention (the key was purged and used again since).
    const raw = new Database(file)
    raw
      .prepare(`UPDATE airlock_approvals SET created_at = '2025-01-01T00:00:00.000Z' WHERE id = ?`)
      .run(approval_id)
    raw.close()
    // While the holder's lease lasts, a retry waits for it instead of taking that approval for its outcome.
    abandonKey(file, new Date(Date.now() + 3600_000).toISOString())
    await expect(retry(await processOn(file))).rejects.toMatchObject({ code: 'IDEMPOTENCY_IN_FLIGHT' })
    // Once it has run out, the retry takes the key over and holds afresh.
    abandonKey(file, new Date(Date.now() - 1000).toISOString())
    const outcome = await retry(await processOn(file))
    expect(outcome).toMatchObject({ status: 'pending_approval', replayed: false })
    expect((outcome as { approval_id: string }).approval_id).not.toBe(approval_id)
  })

  it('two actors holding under the same key and action each get their own approval back', async () => {
    const { file, approval_id } = await heldThenDied()
    const other = await retry(await processOn(file), otherAgent)
    if (other.status !== 'pending_approval') throw new Error(`expected a held call, got ${other.status}`)
    expect(other.approval_id).not.toBe(approval_id)
    abandonKey(file, new Date(Date.now() - 1000).toISOString())

    const next = await processOn(file)
    expect(await retry(next)).toMatchObject({ status: 'pending_approval', replayed: true, approval_id })
    expect(await retry(next, otherAgent)).toMatchObject({
      status: 'pending_approval',
      replayed: true,
      approval_id: other.approval_id,
    })
    // Neither retry held a second time.
    expect((await next.approvals.list(agent, { limit: 10 })).items).toHaveLength(2)
  })
})

describe('a held call whose approval was stored but whose answer was lost', () => {
  it('keeps its key, so a retry gets that approval back instead of holding a second time', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'airlock-held-key-'))
    dirs.push(dir)
    const store = await openStore(`sqlite:${join(dir, 'airlock.db')}`)
    await store.migrate()
    opened.push(store)
    // The insert commits, then the connection drops before its answer: the caller cannot tell.
    let lost = false
    const approvals: Store['approvals'] = {
      ...store.approvals,
      async create(approval) {
        const made = await store.approvals.create(approval)
        if (lost) return made
        lost = true
        throw new AirlockError(ErrorCode.STORE_UNAVAILABLE, 'the answer to the insert was lost')
      },
    }
    const airlock = createAirlock({
      actions: [refund],
      policies: [allowAll()],
      store: { ...store, approvals },
      seal: { keys: { k1: SEAL_KEY }, current: 'k1' },
      idempotency: { wait_ms: 200 },
    })
    await expect(retry(airlock)).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' })
    const again = await retry(airlock)
    expect(again).toMatchObject({ status: 'pending_approval', replayed: true })
    const { items } = await airlock.approvals.list(agent, { limit: 10 })
    expect(items.map((a) => a.id)).toEqual([(again as { approval_id: string }).approval_id])
  })
})
