import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { defineAction } from '../../src/actions/define-action.js'
import { createAirlock } from '../../src/airlock.js'
import { localPrincipal } from '../../src/identity/principal.js'
import { generateSigningKey } from '../../src/identity/tokens/generate-signing-key.js'
import { createKeySet } from '../../src/identity/tokens/key-set.js'
import { createLimits } from '../../src/limits/create-limits.js'
import { allowAll, denyAll } from '../../src/policy/rules/index.js'
import { validateTicket } from '../../src/tickets/validate-ticket.js'

const read = defineAction({
  name: 'read_file',
  description: 'Read a file',
  input: z.object({ path: z.string() }),
  risk: 'low',
  handler: ({ path }) => ({ path, bytes: 12 }),
})
const wipe = defineAction({
  name: 'wipe_disk',
  description: 'Erase a disk',
  input: z.object({ disk: z.string() }),
  risk: 'high',
})
const agent = localPrincipal('agent-1')

describe('limits in the pipeline', () => {
  it('denies past the rate limit with a retry hint, and audits it', async () => {
    const airlock = createAirlock({
      actions: [read],
      policies: [allowAll()],
      limits: createLimits({ rate_limit: { max_requests: 2, window_s: 60 } }),
    })
    await airlock.execute('read_file', { path: '/a' }, { caller: agent })
    await airlock.execute('read_file', { path: '/b' }, { caller: agent })
    const third = await airlock.execute('read_file', { path: '/c' }, { caller: agent })
    expect(third).toMatchObject({ status: 'denied', code: 'RATE_LIMITED' })
    expect(third.status === 'denied' && third.retry_after_s).toBeGreaterThan(0)
    // Another caller has its own budget: limits key on the authenticated principal.
    expect(await airlock.execute('read_file', { path: '/c' }, { caller: 'agent-2' })).toMatchObject({
      status: 'executed',
    })
    expect((await airlock.audit.list({ status: 'denied' }, 5)).items[0]?.context).toMatchObject({
      code: 'RATE_LIMITED',
    })
  })

  it('pauses a caller after repeated denials', async () => {
    const airlock = createAirlock({
      actions: [read, wipe],
      policies: [
        allowAll({ actions: ['read_file'] }),
        denyAll({ name: 'no-wiping', actions: ['wipe_disk'] }),
      ],
      limits: createLimits({ circuit_breaker: { threshold: 3, window_s: 60, cooldown_s: 300 } }),
    })
    for (let i = 0; i < 3; i++) await airlock.execute('wipe_disk', { disk: 'sda' }, { caller: agent })
    const paused = await airlock.execute('read_file', { path: '/a' }, { caller: agent })
    expect(paused).toMatchObject({ status: 'denied', code: 'RATE_LIMITED' })
    expect(paused.status === 'denied' && paused.reason).toMatch(/Circuit breaker open for caller 'agent-1'/)
  })

  it('escalates to approval, then denies, as cumulative risk grows', async () => {
    const risky = defineAction({
      name: 'restart',
      description: 'Restart a service',
      input: z.object({}),
      risk: 'high',
      handler: () => 'ok',
    })
    const airlock = createAirlock({
      actions: [risky],
      policies: [allowAll()],
      limits: createLimits({ cumulative_risk: { escalation_threshold: 30, deny_threshold: 45 } }),
    })
    const statuses: string[] = []
    for (let i = 0; i < 3; i++)
      statuses.push((await airlock.execute('restart', {}, { caller: agent })).status)
    expect(statuses).toEqual(['executed', 'pending_approval', 'denied'])
    const denied = await airlock.execute('restart', {}, { caller: agent })
    expect(denied).toMatchObject({ status: 'denied', code: 'RISK_EXCEEDED' })
  })
})

describe('execution tickets', () => {
  it('issues a single-use ticket on allow that binds action, target and params', async () => {
    const keys = await createKeySet({ keys: [await generateSigningKey({ alg: 'EdDSA', kid: 'k1' })] })
    const airlock = createAirlock({ actions: [read], policies: [allowAll()], keys })
    const checked = await airlock.check('read_file', { path: '/etc/hosts' }, { caller: agent })
    expect(checked.decision).toBe('allow')
    const token = checked.ticket?.token ?? ''
    const expected = {
      action: 'read_file',
      target: null,
      params: { path: '/etc/hosts' },
      caller: 'agent-1',
      tenant: 'default',
    }
    const other = await validateTicket(
      keys,
      token,
      { ...expected, params: { path: '/etc/shadow' } },
      airlock.store.nonces,
    )
    expect(other).toMatchObject({ valid: false })
    expect(await validateTicket(keys, token, expected, airlock.store.nonces)).toMatchObject({ valid: true })
    expect(await validateTicket(keys, token, expected, airlock.store.nonces)).toMatchObject({
      valid: false,
      reason: expect.stringContaining('replay'),
    })
    // The nonce is in the audit record of the decision that issued it.
    const event = (await airlock.audit.list({}, 1)).items[0]
    expect(event).toMatchObject({ id: checked.audit_id, context: { ticket_nonce: checked.ticket?.nonce } })
  })

  it('still issues a ticket when checks are not audited, and names no audit event', async () => {
    const keys = await createKeySet({ keys: [await generateSigningKey({ alg: 'EdDSA', kid: 'k1' })] })
    const airlock = createAirlock({ actions: [read], policies: [allowAll()], keys, audit_checks: false })
    const checked = await airlock.check('read_file', { path: '/etc/hosts' }, { caller: agent })
    expect(checked).toMatchObject({ decision: 'allow', audit_id: null })
    const expected = {
      action: 'read_file',
      target: null,
      params: { path: '/etc/hosts' },
      caller: 'agent-1',
      tenant: 'default',
    }
    expect(
      await validateTicket(keys, checked.ticket?.token ?? '', expected, airlock.store.nonces),
    ).toMatchObject({
      valid: true,
    })
    expect((await airlock.audit.list({}, 10)).items).toEqual([])
    const unticketed = createAirlock({ actions: [read], policies: [allowAll()], audit_checks: false })
    expect(await unticketed.check('read_file', { path: '/x' }, { caller: agent })).toMatchObject({
      audit_id: null,
      ticket: null,
    })
  })

  it('gives one approval one ticket, however often it is asked for', async () => {
    const keys = await createKeySet({ keys: [await generateSigningKey({ alg: 'EdDSA', kid: 'k1' })] })
    const gated = defineAction({
      name: 'wipe_disk',
      description: 'Erase a disk (run by an executor)',
      input: z.object({ disk: z.string() }),
      risk: 'high',
      approval_required: true,
    })
    const airlock = createAirlock({ actions: [gated], policies: [allowAll()], keys })
    const held = await airlock.execute('wipe_disk', { disk: 'sdb' }, { caller: agent })
    if (held.status !== 'pending_approval') throw new Error('expected a hold')
    expect(
      await airlock.approvals.approve(held.approval_id, {
        approver: localPrincipal('ops', { roles: ['approver'] }),
      }),
    ).toMatchObject({
      status: 'approved',
    })
    const a = await airlock.approvals.ticket(agent, held.approval_id)
    const b = await airlock.approvals.ticket(agent, held.approval_id)
    expect(b.nonce).toBe(a.nonce)
    const expected = {
      action: 'wipe_disk',
      target: null,
      params: { disk: 'sdb' },
      caller: 'agent-1',
      tenant: 'default',
    }
    expect(await validateTicket(keys, a.token, expected, airlock.store.nonces)).toMatchObject({ valid: true })
    expect(await validateTicket(keys, b.token, expected, airlock.store.nonces)).toMatchObject({
      valid: false,
    })
  })
})
