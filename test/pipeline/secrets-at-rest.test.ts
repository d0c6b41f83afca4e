import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { defineAction } from '../../src/actions/define-action.js'
import { createAirlock } from '../../src/airlock.js'
import { localPrincipal } from '../../src/identity/principal.js'
import { allowAll } from '../../src/policy/rules/index.js'
import { sqliteStore } from '../../src/store/sqlite/index.js'

const SEAL_KEY = Buffer.alloc(32, 7).toString('base64')
const LIVE_KEY = 'sk_live_51HxSecretResultKey0001'
const CARD_PASSWORD = 'correct-horse-battery-staple'

const agent = localPrincipal('agent-7', { roles: ['agent'] })
const approver = localPrincipal('alice', { roles: ['approver'] })

// An action that hands back a credential, as a "create API key" action would.
function keyActions() {
  let runs = 0
  const mint = {
    description: 'Mint an API key',
    input: z.object({ account: z.string(), card_password: z.string().optional() }),
    risk: 'low' as const,
    handler: () => {
      runs++
      return { api_key: LIVE_KEY, note: `use it as Bearer ${LIVE_KEY}` }
    },
  }
  return {
    runs: () => runs,
    actions: [
      defineAction({ name: 'mint_key', ...mint }),
      defineAction({ name: 'mint_key_held', ...mint, approval_required: true, approver_roles: ['approver'] }),
    ],
  }
}

let dir = ''
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'airlock-at-rest-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

/** Every byte the store wrote (database, WAL and journal), as text. */
function bytesAtRest(): string {
  return readdirSync(dir)
    .map((name) => readFileSync(join(dir, name)).toString('latin1'))
    .join('\n')
}

async function gateway() {
  const { runs, actions } = keyActions()
  const store = sqliteStore({ path: join(dir, 'airlock.db') })
  await store.migrate()
  const airlock = createAirlock({
    actions,
    policies: [allowAll()],
    store,
    seal: { keys: { k1: SEAL_KEY }, current: 'k1' },
  })
  return { airlock, store, runs }
}

describe('secrets in results', () => {
  it('audits the result redacted, replays the original to the same caller, and stores no secret readable', async () => {
    const { airlock, store, runs } = await gateway()
    const call = () =>
      airlock.execute('mint_key', { account: 'acme' }, { caller: agent, idempotency_key: 'mint-1' })
    const first = await call()
    const second = await call()
    expect(runs()).toBe(1)
    // The caller that asked gets its key, and gets it again on replay: the stored outcome is sealed.
    expect(first).toMatchObject({ status: 'executed', result: { api_key: LIVE_KEY } })
    expect(second).toMatchObject({ status: 'executed', replayed: true, result: { api_key: LIVE_KEY } })

    const executed = (await airlock.audit.list({ status: 'executed' }, 10)).items[0]
    expect(executed?.result).toEqual({ api_key: '**REDACTED**', note: 'use it as Bearer **REDACTED**' })
    await store.close()
    expect(bytesAtRest()).not.toContain(LIVE_KEY)
  })

  it('stores the outcome of an approved request redacted and shows the approver only that', async () => {
    const { airlock, store } = await gateway()
    const held = await airlock.execute(
      'mint_key_held',
      { account: 'acme', card_password: CARD_PASSWORD },
      { caller: agent },
    )
    if (held.status !== 'pending_approval') throw new Error('expected a hold')
    const decided = await airlock.approvals.approve(held.approval_id, { approver })
    expect(decided).toMatchObject({ status: 'decided', outcome: { status: 'executed' } })
    expect(JSON.stringify(decided)).not.toContain(LIVE_KEY)

    const stored = await airlock.approvals.get(agent, held.approval_id)
    expect(stored.status).toBe('executed')
    expect(stored.outcome).toMatchObject({ result: { api_key: '**REDACTED**' } })
    expect(JSON.stringify(stored)).not.toContain(CARD_PASSWORD)
    await store.close()
    const atRest = bytesAtRest()
    expect(atRest).not.toContain(LIVE_KEY)
    expect(atRest).not.toContain(CARD_PASSWORD)
  })
})

describe('idempotency fingerprints', () => {
  it('treats two requests that differ only in a secret as different requests', async () => {
    const { airlock, store, runs } = await gateway()
    const options = { caller: agent, idempotency_key: 'mint-2' }
    await airlock.execute('mint_key', { account: 'acme', card_password: 'first-secret' }, options)
    // Redacted, both inputs would read `card_password: **REDACTED**` and the second would replay the first.
    await expect(
      airlock.execute('mint_key', { account: 'acme', card_password: 'second-secret' }, options),
    ).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' })
    expect(runs()).toBe(1)
    await store.close()
  })
})
