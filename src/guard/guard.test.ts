import { describe, expect, expectTypeOf, it } from 'vitest'
import { ActionRegistry } from '../actions/action-registry.js'
import { createAirlock } from '../airlock.js'
import type { Channel, ChannelDecision } from '../approvals/channels/channel.js'
import { amountOver } from '../approvals/policy/amount-over.js'
import { approvalPolicy } from '../approvals/policy/approval-policy.js'
import { localPrincipal } from '../identity/principal.js'
import type { PolicyRule } from '../policy/policy-rule.js'
import { memoryStore } from '../store/memory/index.js'
import { ApprovalDeniedError } from './approval-denied-error.js'
import { guard } from './guard.js'
import { createGuardRuntime, type GuardRuntime } from './guard-runtime.js'
import { guardTools } from './guard-tools.js'

const overHundred = approvalPolicy(amountOver({ arg: 'amount', threshold: 100 }))

/** A channel that answers at once, like a person at a terminal would. */
function answering(decision: ChannelDecision['decision'], approver = 'alice', comment?: string): Channel {
  return {
    name: 'test',
    notify: async () => ({
      decision,
      approver: localPrincipal(approver, { roles: ['approver'] }),
      ...(comment ? { comment } : {}),
    }),
  }
}

/** A channel that only notifies, and remembers what it was shown. */
function inbox(): Channel & { notices: string[] } {
  const notices: string[] = []
  return {
    name: 'inbox',
    notices,
    notify: async (notice) => {
      notices.push(notice.approval_id)
      return null
    },
  }
}

async function nextNotice(box: { notices: string[] }): Promise<string> {
  for (let i = 0; i < 200; i++) {
    const id = box.notices.shift()
    if (id) return id
    await new Promise((r) => setTimeout(r, 10))
  }
  throw new Error('no notice arrived')
}

/**
 * The request's path through the pipeline, oldest first. `notified` events
 * are left out: a channel reports its delivery concurrently with the
 * decision it brought, so their place in the chain varies.
 */
async function statuses(runtime: GuardRuntime, action: string): Promise<string[]> {
  const page = await runtime.airlock.audit.list({ action }, 100)
  return page.items
    .map((e) => e.status)
    .filter((s) => s !== 'notified')
    .reverse()
}

function runtime(config: Parameters<typeof createGuardRuntime>[0] = {}): GuardRuntime {
  return createGuardRuntime({ store: memoryStore(), ...config })
}

describe('guard', () => {
  it('runs an allowed call at once, keeping the name, this and the exact return value', async () => {
    const rt = runtime()
    const when = new Date('2026-01-01T00:00:00Z')
    const account = {
      balance: 10,
      issueRefund(this: { balance: number }, order: { order_id: string; amount: number }) {
        this.balance -= order.amount
        return { when, left: this.balance }
      },
    }
    const refund = guard(account.issueRefund, { policy: overHundred, runtime: rt, channels: [] })
    expect(refund.name).toBe('issueRefund')
    const result = await refund.call(account, { order_id: 'o-1', amount: 4 })
    expect(result.when).toBe(when)
    expect(account.balance).toBe(6)
    expect(await statuses(rt, 'issue_refund')).toEqual(['started', 'executed'])
  })

  it('holds a call over the threshold and runs it once a human approves', async () => {
    const rt = runtime()
    const calls: number[] = []
    const refund = guard(
      async (order: { amount: number }) => {
        calls.push(order.amount)
        return `refunded ${order.amount}`
      },
      { action: 'refund', policy: overHundred, runtime: rt, channels: [answering('approve', 'alice')] },
    )
    await expect(refund({ amount: 250 })).resolves.toBe('refunded 250')
    expect(calls).toEqual([250])
    expect(await statuses(rt, 'refund')).toEqual(['held', 'approved', 'started', 'executed'])
    const notified = (await rt.airlock.audit.list({ action: 'refund', status: 'notified' }, 1)).items[0]
    expect(notified?.context).toMatchObject({ channel: 'test', delivered: true })
    const approved = (await rt.airlock.audit.list({ action: 'refund', status: 'approved' }, 1)).items[0]
    expect(approved?.approver).toBe('alice')
    const held = (await rt.airlock.audit.list({ action: 'refund', status: 'held' }, 1)).items[0]
    expect(held?.reason).toBe("'amount' is 250, over 100")
  })

  it('throws ApprovalDeniedError naming the approver and reason when a human rejects, without running', async () => {
    const rt = runtime()
    let ran = false
    const wipe = guard(
      (_env: string) => {
        ran = true
      },
      { action: 'wipe', runtime: rt, channels: [answering('reject', 'bob', 'not on a Friday')] },
    )
    const error = await wipe('prod').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ApprovalDeniedError)
    expect(error).toMatchObject({
      kind: 'rejected',
      approver: 'bob',
      reason: 'not on a Friday',
      code: 'FORBIDDEN',
    })
    expect((error as ApprovalDeniedError).approval_id).toMatch(/^apr-/)
    expect(ran).toBe(false)
    expect(await statuses(rt, 'wipe')).toEqual(['held', 'rejected'])
  })

  it("returns a denial message for an LLM with on_denied: 'return'", async () => {
    const rt = runtime()
    const wipe = guard((_env: string) => 'wiped', {
      action: 'wipe',
      runtime: rt,
      on_denied: 'return',
      channels: [answering('reject', 'bob', 'no')],
    })
    const result = await wipe('prod')
    expectTypeOf(result).toEqualTypeOf<string>()
    expect(result).toMatch(
      /^DENIED: a human reviewer \(bob\) rejected `wipe`; it was NOT executed\. Reviewer note: no\./,
    )
  })

  it('passes the same error through from sync and async functions that throw', async () => {
    const rt = runtime()
    const boom = new RangeError('sync boom')
    const syncFn = guard(
      (): number => {
        throw boom
      },
      { action: 'sync_boom', runtime: rt, policy: approvalPolicy(amountOver({ arg: 0, threshold: 1 })) },
    )
    await expect(syncFn()).rejects.toBe(boom)
    const asyncBoom = new Error('async boom')
    const asyncFn = guard(
      async (_x: number) => {
        throw asyncBoom
      },
      { action: 'async_boom', runtime: rt, channels: [answering('approve')] },
    )
    await expect(asyncFn(1)).rejects.toBe(asyncBoom)
    expect(await statuses(rt, 'async_boom')).toEqual(['held', 'approved', 'started', 'failed'])
  })

  it('keeps generic signatures', async () => {
    const rt = runtime()
    function identity<T>(value: T): T {
      return value
    }
    const guarded = guard(identity, { runtime: rt, channels: [answering('approve')] })
    const n = await guarded(42)
    const s = await guarded('x')
    expectTypeOf(n).toEqualTypeOf<number>()
    expectTypeOf(s).toEqualTypeOf<string>()
    expect([n, s]).toEqual([42, 'x'])
    expectTypeOf(guard(async (a: number, b: string) => [a, b] as const, { action: 'pair' })).toEqualTypeOf<
      (a: number, b: string) => Promise<readonly [number, string]>
    >()
  })

  it('times out, expires the approval and denies by default', async () => {
    const rt = runtime()
    let ran = false
    const slow = guard(
      () => {
        ran = true
      },
      { action: 'slow', runtime: rt, channels: [], timeout_ms: 150, poll_ms: 20 },
    )
    const error = (await slow().catch((e: unknown) => e)) as ApprovalDeniedError
    expect(error).toBeInstanceOf(ApprovalDeniedError)
    expect(error.kind).toBe('expired')
    expect(ran).toBe(false)
    const approval = await rt.airlock.approvals.get('agent', error.approval_id!)
    expect(approval.status).toBe('expired')
    expect(await statuses(rt, 'slow')).toEqual(['held', 'expired'])
  })

  it("runs after a timeout with on_timeout: 'allow', and the audit log says so", async () => {
    const rt = runtime()
    const lenient = guard(() => 'done', {
      action: 'lenient',
      runtime: rt,
      channels: [],
      timeout_ms: 100,
      poll_ms: 20,
      on_timeout: 'allow',
    })
    await expect(lenient()).resolves.toBe('done')
    expect(await statuses(rt, 'lenient')).toEqual(['held', 'expired', 'started', 'executed'])
    const started = (await rt.airlock.audit.list({ action: 'lenient', status: 'started' }, 1)).items[0]
    expect(started?.reason).toContain("on_timeout is 'allow'")
  })

  it('denies at once when no channel can reach an approver', async () => {
    const rt = runtime()
    const broken: Channel = {
      name: 'broken',
      notify: async () => {
        throw new Error('mail server down')
      },
    }
    const started = Date.now()
    const fn = guard(() => 1, { action: 'unreachable', runtime: rt, channels: [broken], timeout_ms: 60_000 })
    const error = (await fn().catch((e: unknown) => e)) as ApprovalDeniedError
    expect(Date.now() - started).toBeLessThan(5_000)
    expect(error.kind).toBe('expired')
    expect(error.reason).toContain('broken: mail server down')
    expect(error.notifications).toEqual([
      { channel: 'broken', delivered: false, decision: null, approver: null, error: 'mail server down' },
    ])
  })

  it('never lets the requester approve their own call', async () => {
    const rt = runtime()
    const fn = guard(() => 'ran', {
      action: 'self_check',
      runtime: rt,
      caller: 'mallory',
      channels: [answering('approve', 'mallory')],
      timeout_ms: 200,
      poll_ms: 20,
    })
    const error = (await fn().catch((e: unknown) => e)) as ApprovalDeniedError
    expect(error.kind).toBe('expired')
    expect(error.notifications[0]?.error).toContain('cannot decide their own request')
  })

  it('needs distinct approvers for a quorum; one approver voting twice counts once', async () => {
    const rt = runtime()
    const box = inbox()
    let runs = 0
    const fn = guard(
      () => {
        runs++
        return 'ok'
      },
      {
        action: 'quorum',
        runtime: rt,
        channels: [box],
        required_approvals: 2,
        timeout_ms: 10_000,
        poll_ms: 10,
      },
    )
    const pending = fn()
    const id = await nextNotice(box)
    await rt.airlock.approvals.approve(id, { approver: localPrincipal('alice', { roles: ['approver'] }) })
    await expect(
      rt.airlock.approvals.approve(id, { approver: localPrincipal('alice', { roles: ['approver'] }) }),
    ).rejects.toMatchObject({
      code: 'APPROVAL_ALREADY_DECIDED',
    })
    expect((await rt.airlock.approvals.get('agent', id)).status).toBe('pending')
    expect(runs).toBe(0)
    await rt.airlock.approvals.approve(id, { approver: localPrincipal('carol', { roles: ['approver'] }) })
    await expect(pending).resolves.toBe('ok')
    expect(runs).toBe(1)
    const approval = await rt.airlock.approvals.get('agent', id)
    expect(approval.votes.map((v) => v.approver)).toEqual(['alice', 'carol'])
    expect(approval.status).toBe('executed')
  })

  it('lets an Airlock policy deny a call the approval policy would allow (deny wins)', async () => {
    const registry = new ActionRegistry()
    const noRefunds: PolicyRule = {
      name: 'no-refunds',
      priority: 10,
      actions: { kind: 'names', names: ['refund'] },
      evaluate: () => ({ decision: 'deny', reason: 'Refunds are frozen', rule: 'no-refunds' }),
    }
    const airlock = createAirlock({ actions: registry, policies: [noRefunds] })
    const refund = guard((_o: { amount: number }) => 'ran', {
      action: 'refund',
      airlock,
      registry,
      policy: overHundred,
      channels: [],
    })
    await expect(refund({ amount: 1 })).rejects.toMatchObject({
      kind: 'denied',
      reason: 'Refunds are frozen',
    })
  })

  it("holds in a caller's own Airlock when the approval policy says so, even where its policies allow", async () => {
    const registry = new ActionRegistry()
    const allow: PolicyRule = {
      name: 'allow',
      priority: 0,
      actions: { kind: 'any' },
      evaluate: () => ({ decision: 'allow', reason: 'ok', rule: 'allow' }),
    }
    const airlock = createAirlock({ actions: registry, policies: [allow] })
    const refund = guard((o: { amount: number }) => o.amount, {
      action: 'refund',
      airlock,
      registry,
      policy: overHundred,
      channels: [answering('approve', 'alice')],
    })
    await expect(refund({ amount: 500 })).resolves.toBe(500)
    await expect(refund({ amount: 5 })).resolves.toBe(5)
    const held = await airlock.audit.list({ status: 'held' }, 10)
    expect(held.items).toHaveLength(1)
  })

  it('resumes a call by idempotency key instead of asking again', async () => {
    const rt = runtime()
    const box = inbox()
    let runs = 0
    const options = {
      action: 'keyed',
      runtime: rt,
      channels: [box],
      idempotency_key: (o: { id: string }) => `order:${o.id}`,
      poll_ms: 10,
    }
    const first = guard((o: { id: string }) => ++runs + o.id.length, { ...options, timeout_ms: 10_000 })
    const pending = first({ id: 'abc' })
    const id = await nextNotice(box)
    await rt.airlock.approvals.approve(id, { approver: localPrincipal('alice', { roles: ['approver'] }) })
    await expect(pending).resolves.toBe(4)
    // A second call with the same key gets the stored result; the function does not run twice.
    await expect(first({ id: 'abc' })).resolves.toBe(4)
    expect(runs).toBe(1)
    expect(box.notices).toEqual([])
  })
})

describe('guardTools', () => {
  it('guards AI SDK and LangChain shaped tools and leaves the originals alone', async () => {
    const rt = runtime()
    const aiTool = {
      description: 'Refund an order',
      inputSchema: { type: 'object' },
      execute: async (input: { amount: number }, _opts: { toolCallId: string }) => `refunded ${input.amount}`,
    }
    class LangTool {
      readonly name = 'delete_user'
      readonly description = 'Deletes a user'
      async invoke(input: { user: string } | { type: 'tool_call'; id: string; args: { user: string } }) {
        return `deleted ${'args' in input ? input.args.user : input.user}`
      }
    }
    const lang = new LangTool()
    const originalExecute = aiTool.execute
    const tools = guardTools(
      { refund: aiTool, delete_user: lang },
      { runtime: rt, policy: overHundred, channels: [answering('reject', 'bob', 'no')], on_denied: 'return' },
    )
    expect(aiTool.execute).toBe(originalExecute)
    expect(tools.delete_user).toBeInstanceOf(LangTool)
    expect(tools.refund.inputSchema).toBe(aiTool.inputSchema)
    await expect(tools.refund.execute({ amount: 5 }, { toolCallId: 'c1' })).resolves.toBe('refunded 5')
    await expect(tools.refund.execute({ amount: 500 }, { toolCallId: 'c2' })).resolves.toMatch(/^DENIED: /)
    await expect(lang.invoke({ user: 'u1' })).resolves.toBe('deleted u1')
    await expect(
      tools.delete_user.invoke({ type: 'tool_call', id: 't1', args: { user: 'u1' } }),
    ).resolves.toBe('deleted u1')
    const held = await rt.airlock.audit.list({ status: 'held' }, 10)
    expect(held.items.map((e) => e.action)).toEqual(['refund'])
  })
})
