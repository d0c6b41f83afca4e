/**
 * A LangChain support agent (`createAgent`) governed by the Airlock
 * middleware: looking an order up runs, a refund pauses the graph until a
 * human decides, deleting an account is refused. The graph's checkpoints live
 * in SQLite, so `resume.ts` can continue it in another process.
 *
 * The model is LangChain's own `FakeToolCallingModel`, scripted to call the
 * three tools in turn; it starts at the turn the conversation has reached.
 *
 * Environment: AIRLOCK_DB (SQLite file for Airlock), AIRLOCK_SEAL_KEY
 * (base64, 32 bytes), CHECKPOINTS (SQLite file for LangGraph), LEDGER (a
 * file each tool that really runs appends a line to), THREAD_ID.
 *
 * @module
 */
import { appendFileSync } from 'node:fs'
import { SqliteSaver } from '@langchain/langgraph-checkpoint-sqlite'
import { ActionRegistry, createAirlock, riskBased } from 'airlock'
import { airlockMiddleware } from 'airlock/langchain'
import { sqliteStore } from 'airlock/sqlite'
import { AIMessage, createAgent, FakeToolCallingModel, tool } from 'langchain'
import { z } from 'zod'

function env(name: string): string {
  const value = process.env[name]
  if (!value) throw new Error(`${name} is not set`)
  return value
}

const did = (line: string): string => {
  appendFileSync(env('LEDGER'), `${line}\n`)
  return line
}

const tools = [
  tool(({ order_id }) => did(`looked up ${order_id}: paid 120 EUR`), {
    name: 'lookup_order',
    description: 'Look an order up by id',
    schema: z.object({ order_id: z.string() }),
  }),
  tool(({ order_id, amount }) => did(`refunded ${amount} EUR on ${order_id}`), {
    name: 'issue_refund',
    description: 'Refund an order to the card it was paid with',
    schema: z.object({ order_id: z.string(), amount: z.number() }),
  }),
  tool(({ customer_id }) => did(`deleted ${customer_id}`), {
    name: 'delete_account',
    description: 'Delete the customer account',
    schema: z.object({ customer_id: z.string() }),
  }),
]

const SCRIPT = [
  [{ name: 'lookup_order', args: { order_id: 'o-42' }, id: 'call-0' }],
  [{ name: 'issue_refund', args: { order_id: 'o-42', amount: 120 }, id: 'call-1' }],
  [{ name: 'delete_account', args: { customer_id: 'c-7' }, id: 'call-2' }],
  [],
]

export async function supportAgent() {
  const registry = new ActionRegistry()
  const store = sqliteStore({ path: env('AIRLOCK_DB') })
  await store.migrate()
  const airlock = createAirlock({
    actions: registry,
    policies: [riskBased()],
    store,
    seal: { keys: { k0: env('AIRLOCK_SEAL_KEY') }, current: 'k0' },
  })
  const checkpointer = SqliteSaver.fromConnString(env('CHECKPOINTS'))
  const config = { configurable: { thread_id: env('THREAD_ID') } }
  const middleware = airlockMiddleware({
    airlock,
    registry,
    caller: 'support-agent',
    risk: { lookup_order: 'low', issue_refund: 'high', delete_account: 'critical' },
  })
  const build = (index: number) =>
    createAgent({
      model: new FakeToolCallingModel({ toolCalls: SCRIPT, index }),
      tools,
      middleware: [middleware],
      checkpointer,
    })
  // The scripted model continues at the turn the stored conversation reached.
  const saved = await checkpointer.getTuple(config)
  const messages = (saved?.checkpoint.channel_values as { messages?: unknown[] } | undefined)?.messages ?? []
  const agent = build(messages.filter((m) => AIMessage.isInstance(m)).length)
  return { airlock, agent, config }
}
