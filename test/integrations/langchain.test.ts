/**
 * `airlock/langchain` against the real packages: `createAgent` with the
 * Airlock middleware or governed tools, LangChain's own `FakeToolCallingModel`
 * as the scripted model, and LangGraph's `MemorySaver` checkpointer.
 */

import { BaseCallbackHandler } from '@langchain/core/callbacks/base'
import { Command, MemorySaver } from '@langchain/langgraph'
import {
  createAgent,
  DynamicStructuredTool,
  FakeToolCallingModel,
  HumanMessage,
  StructuredTool,
  ToolMessage,
  tool,
} from 'langchain'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { localPrincipal } from '../../src/identity/principal.js'
import { ActionRegistry, createAirlock, riskBased } from '../../src/index.js'
import { airlockMiddleware, toLangChainTools } from '../../src/integrations/langchain/index.js'

const RISK = { lookup_order: 'low', issue_refund: 'high', delete_account: 'critical' } as const

function setup() {
  const ran: string[] = []
  const registry = new ActionRegistry()
  const airlock = createAirlock({ actions: registry, policies: [riskBased()] })
  const tools = [
    tool(
      ({ order_id }) => {
        ran.push(`lookup ${order_id}`)
        return `order ${order_id}: paid 120 EUR`
      },
      { name: 'lookup_order', description: 'Look an order up', schema: z.object({ order_id: z.string() }) },
    ),
    tool(
      ({ order_id, amount }) => {
        ran.push(`refund ${order_id} ${amount}`)
        return `refunded ${amount} EUR`
      },
      {
        name: 'issue_refund',
        description: 'Refund an order',
        schema: z.object({ order_id: z.string(), amount: z.number() }),
      },
    ),
    tool(
      () => {
        ran.push('delete')
        return 'deleted'
      },
      {
        name: 'delete_account',
        description: 'Delete an account',
        schema: z.object({ customer_id: z.string() }),
      },
    ),
  ] as const
  const model = new FakeToolCallingModel({
    toolCalls: [
      [{ name: 'lookup_order', args: { order_id: 'o-1' }, id: 'c0' }],
      [{ name: 'issue_refund', args: { order_id: 'o-1', amount: 120 }, id: 'c1' }],
      [{ name: 'delete_account', args: { customer_id: 'k-1' }, id: 'c2' }],
      [],
    ],
  })
  return { ran, registry, airlock, tools, model }
}

type Governed = 'middleware' | 'tools'

function agentFor(how: Governed) {
  const s = setup()
  const governance = { airlock: s.airlock, registry: s.registry, caller: 'bot', risk: RISK }
  const agent = createAgent({
    model: s.model,
    tools: how === 'tools' ? toLangChainTools([...s.tools], governance) : [...s.tools],
    middleware: how === 'middleware' ? [airlockMiddleware(governance)] : [],
    checkpointer: new MemorySaver(),
  })
  return { ...s, agent }
}

const lastText = (messages: readonly { content: unknown }[]): string => String(messages.at(-1)?.content)

describe.each<Governed>(['middleware', 'tools'])('LangChain agent governed by %s', (how) => {
  it('pauses the graph on the held tool and resumes it once approved; the denial reaches the model', async () => {
    const { agent, airlock, ran } = agentFor(how)
    const config = { configurable: { thread_id: `t-${how}-1` } }
    const first = await agent.invoke({ messages: [new HumanMessage('refund o-1')] }, config)
    expect(ran).toEqual(['lookup o-1'])
    const interrupts = first.__interrupt__ ?? []
    expect(interrupts).toHaveLength(1)
    const payload = interrupts[0]!.value as { type: string; approval_id: string; tool: string }
    expect(payload).toMatchObject({ type: 'airlock_approval', tool: 'issue_refund' })

    // A resume that claims approval while Airlock's approval is pending runs nothing: the graph pauses again.
    const forged = await agent.invoke(new Command({ resume: { approved: true } }), config)
    expect(ran).toEqual(['lookup o-1'])
    expect(forged.__interrupt__?.[0]?.value).toMatchObject({ approval_id: payload.approval_id })

    await airlock.approvals.approve(payload.approval_id, {
      approver: localPrincipal('alice', { roles: ['approver'] }),
    })
    const done = await agent.invoke(new Command({ resume: true }), config)
    expect(done.__interrupt__).toBeUndefined()
    expect(ran).toEqual(['lookup o-1', 'refund o-1 120'])
    const toolMessages = done.messages.filter((m) => ToolMessage.isInstance(m)) as ToolMessage[]
    expect(toolMessages.map((m) => m.name)).toEqual(['lookup_order', 'issue_refund', 'delete_account'])
    expect(String(toolMessages[2]!.content)).toMatch(/^DENIED: policy does not allow `delete_account`/)
    // The model's last turn saw every tool result, the denial included.
    expect(lastText(done.messages)).toContain('DENIED: policy does not allow `delete_account`')
    expect((await airlock.approvals.get('bot', payload.approval_id)).status).toBe('executed')
  })

  it('tells the model the reviewer’s reason when the approval is rejected', async () => {
    const { agent, airlock, ran } = agentFor(how)
    const config = { configurable: { thread_id: `t-${how}-2` } }
    const first = await agent.invoke({ messages: [new HumanMessage('refund o-1')] }, config)
    const { approval_id } = first.__interrupt__![0]!.value as { approval_id: string }
    await airlock.approvals.reject(approval_id, {
      approver: localPrincipal('alice', { roles: ['approver'] }),
      comment: 'customer already refunded',
    })
    const done = await agent.invoke(new Command({ resume: true }), config)
    expect(ran).toEqual(['lookup o-1'])
    const refund = done.messages.find((m) => ToolMessage.isInstance(m) && m.name === 'issue_refund')
    expect(String(refund?.content)).toContain('customer already refunded')
  })
})

describe('toLangChainTools', () => {
  it('keeps real LangChain tools: class, schema, ToolCall envelope and callbacks', async () => {
    const { tools, airlock, registry, ran } = setup()
    class Echo extends StructuredTool {
      name = 'echo_text'
      description = 'Echo'
      schema = z.object({ text: z.string() })
      async _call({ text }: { text: string }) {
        return `echo ${text}`
      }
    }
    const [lookup] = toLangChainTools([tools[0]], { airlock, registry, risk: 'low' })
    const [echo] = toLangChainTools([new Echo()], { airlock, registry, risk: 'low' })
    expect(lookup).toBeInstanceOf(DynamicStructuredTool)
    expect(echo).toBeInstanceOf(Echo)
    expect(lookup!.schema).toBe(tools[0].schema)
    const events: string[] = []
    const handler = BaseCallbackHandler.fromMethods({
      handleToolStart: () => void events.push('start'),
      handleToolEnd: () => void events.push('end'),
    })
    const message = await lookup!.invoke(
      { type: 'tool_call', id: 'call-7', name: 'lookup_order', args: { order_id: 'o-9' } },
      { callbacks: [handler] },
    )
    expect(message).toBeInstanceOf(ToolMessage)
    expect(message).toMatchObject({ tool_call_id: 'call-7', content: 'order o-9: paid 120 EUR' })
    expect(events).toEqual(['start', 'end'])
    // The same tool call id again: the stored result, not a second run.
    await lookup!.invoke({ type: 'tool_call', id: 'call-7', name: 'lookup_order', args: { order_id: 'o-9' } })
    expect(ran).toEqual(['lookup o-9'])
    await expect(lookup!.invoke({ order_id: 42 } as never)).rejects.toThrow(/did not match expected schema/)
    expect(ran).toEqual(['lookup o-9'])
  })

  it('returns the denial to the caller and, outside a graph with on_hold return, says the call waits', async () => {
    const { tools, airlock, registry, ran } = setup()
    const governance = { airlock, registry, risk: RISK, on_hold: 'return' } as const
    const [refund] = toLangChainTools([tools[1]], governance)
    const [remove] = toLangChainTools([tools[2]], governance)
    expect(await remove!.invoke({ customer_id: 'k' })).toMatch(
      /^DENIED: policy does not allow `delete_account`/,
    )
    expect(await refund!.invoke({ order_id: 'o', amount: 5 })).toMatch(
      /^HELD: `issue_refund` needs a human's approval/,
    )
    expect(ran).toEqual([])
  })
})
