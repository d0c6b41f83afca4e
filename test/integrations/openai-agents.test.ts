/**
 * `airlock/openai-agents` against the real SDK, with a scripted `Model`:
 * allowed tools run, held ones interrupt the run and continue after an
 * Airlock decision, denials reach the model, and nothing the run state
 * claims about approvals makes a tool run.
 */
import { Agent, Runner, tool } from '@openai/agents'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { scriptedModel } from '../../examples/openai-agents/scripted-model.js'
import { generateSealKey } from '../../src/audit/seal.js'
import { localPrincipal } from '../../src/identity/principal.js'
import { ActionRegistry, createAirlock, riskBased } from '../../src/index.js'
import {
  memoryRunStates,
  pausedRuns,
  toOpenAiAgentsTools,
} from '../../src/integrations/openai-agents/index.js'

const seal = { keys: { k0: generateSealKey() }, current: 'k0' }

function setup(run_id: string) {
  const ran: string[] = []
  const registry = new ActionRegistry()
  const airlock = createAirlock({ actions: registry, policies: [riskBased()], seal })
  const tools = toOpenAiAgentsTools(
    [
      tool({
        name: 'lookup_order',
        description: 'Look an order up',
        parameters: z.object({ order_id: z.string() }),
        execute: ({ order_id }) => {
          ran.push(`lookup ${order_id}`)
          return `order ${order_id}: paid 120 EUR`
        },
      }),
      tool({
        name: 'issue_refund',
        description: 'Refund an order',
        parameters: z.object({ order_id: z.string(), amount: z.number() }),
        execute: ({ order_id, amount }) => {
          ran.push(`refund ${order_id} ${amount}`)
          return `refunded ${amount} EUR`
        },
      }),
      tool({
        name: 'delete_account',
        description: 'Delete an account',
        parameters: z.object({ customer_id: z.string() }),
        execute: () => {
          ran.push('delete')
          return 'deleted'
        },
      }),
    ],
    {
      airlock,
      registry,
      caller: 'bot',
      risk: { lookup_order: 'low', issue_refund: 'high', delete_account: 'critical' },
    },
  )
  const model = scriptedModel(run_id, [
    { tool: 'lookup_order', args: { order_id: 'o-1' } },
    { tool: 'issue_refund', args: { order_id: 'o-1', amount: 120 } },
    { tool: 'delete_account', args: { customer_id: 'c-1' } },
  ])
  const agent = new Agent({ name: 'support', instructions: 'help', model, tools })
  const runs = pausedRuns({ airlock, caller: 'bot', store: memoryRunStates(), seal })
  return { ran, airlock, agent, runs, runner: new Runner({ tracingDisabled: true }) }
}

describe('toOpenAiAgentsTools + pausedRuns', () => {
  it('runs the low-risk tool, interrupts on the held one, and continues after approval', async () => {
    const { ran, airlock, agent, runs, runner } = setup('r1')
    const first = await runner.run(agent, 'refund o-1')
    expect(ran).toEqual(['lookup o-1'])
    expect(first.interruptions.map((i) => i.name)).toEqual(['issue_refund'])
    const paused = await runs.save(first)
    expect(paused.approval_ids).toHaveLength(1)
    const id = paused.approval_ids[0]!
    expect(await runs.resume(agent, id)).toEqual({ status: 'pending', pending: [id] })

    await airlock.approvals.approve(id, {
      approver: localPrincipal('alice', { roles: ['approver'] }),
      comment: 'ok',
    })
    const resumed = await runs.resume(agent, id)
    if (resumed.status !== 'ready') throw new Error('expected ready')
    const done = await runner.run(agent, resumed.state)
    expect(ran).toEqual(['lookup o-1', 'refund o-1 120'])
    expect(done.finalOutput).toContain('issue_refund: refunded 120 EUR')
    // The critical tool was refused and the model was told why; the run finished normally.
    expect(done.finalOutput).toMatch(/delete_account: DENIED: policy does not allow `delete_account`/)
    expect((await airlock.approvals.get('bot', id)).status).toBe('executed')

    // Resuming the same paused run again replays the stored result; the refund is not made twice.
    const again = await runs.resume(agent, id)
    if (again.status !== 'ready') throw new Error('expected ready')
    const replay = await runner.run(agent, again.state)
    expect(replay.finalOutput).toContain('issue_refund: refunded 120 EUR')
    expect(ran.filter((r) => r.startsWith('refund'))).toHaveLength(1)
  })

  it('gives the model the reviewer’s reason when the approval is rejected', async () => {
    const { ran, airlock, agent, runs, runner } = setup('r2')
    const paused = await runs.save(await runner.run(agent, 'refund o-1'))
    await airlock.approvals.reject(paused.approval_ids[0]!, {
      approver: localPrincipal('alice', { roles: ['approver'] }),
      comment: 'outside the refund window',
    })
    const resumed = await runs.resume(agent, paused.approval_ids[0]!)
    if (resumed.status !== 'ready') throw new Error('expected ready')
    const done = await runner.run(agent, resumed.state)
    expect(ran).toEqual(['lookup o-1'])
    expect(done.finalOutput).toContain('rejected `issue_refund`')
    expect(done.finalOutput).toContain('outside the refund window')
  })

  it('runs nothing when the run state is approved by hand without an Airlock approval', async () => {
    const { ran, airlock, agent, runner } = setup('r3')
    const first = await runner.run(agent, 'refund o-1')
    const item = first.interruptions[0]!
    first.state.approve(item) // forged: no human decided in Airlock
    const done = await runner.run(agent, first.state)
    expect(ran).toEqual(['lookup o-1'])
    expect(done.finalOutput).toMatch(
      /issue_refund: HELD: `issue_refund` needs a human's approval \(apr-[0-9a-f]{24}\)/,
    )
    const pending = await airlock.approvals.list('bot', { status: 'pending', limit: 10 })
    expect(pending.items.map((a) => a.action)).toEqual(['issue_refund'])
  })

  it('keeps the run state sealed at rest and refuses one that was altered', async () => {
    const { ran, airlock, agent, runner } = setup('r4')
    const store = memoryRunStates()
    const runs = pausedRuns({ airlock, caller: 'bot', store, seal })
    const id = (await runs.save(await runner.run(agent, 'refund o-1'))).approval_ids[0]!
    const sealed = (await store.get(id))!
    expect(sealed).not.toContain('issue_refund')
    // Change one character near the end, to something it was not.
    await store.put(
      id,
      sealed.replace(/(.)(.{8})$/, (_, c: string, rest: string) => `${c === 'A' ? 'B' : 'A'}${rest}`),
    )
    await airlock.approvals.approve(id, { approver: localPrincipal('alice', { roles: ['approver'] }) })
    await expect(runs.resume(agent, id)).rejects.toMatchObject({ code: 'SEAL_INVALID' })
    await expect(runs.resume(agent, 'apr-000000000000000000000000')).rejects.toMatchObject({
      code: 'APPROVAL_NOT_FOUND',
    })
    expect(ran).toEqual(['lookup o-1'])
  })

  it('rejects what is not a function tool, and a bad configuration, up front', () => {
    const { airlock } = setup('r6')
    const registry = new ActionRegistry()
    expect(() => toOpenAiAgentsTools([{ type: 'hosted_tool' } as never], { airlock, registry })).toThrow(
      /governs function tools/,
    )
    expect(() => toOpenAiAgentsTools([], { airlock, registry: {} as never, risk: 'huge' as never })).toThrow(
      /'registry' must be the ActionRegistry.*risk must be low, medium, high or critical/,
    )
  })
})
