/**
 * A support agent whose tools go through Airlock: looking an order up runs,
 * a refund waits for a human, deleting an account is refused. Shared by
 * `start.ts` (runs until it must wait) and `resume.ts` (carries on once a
 * human decided, in another process).
 *
 * Environment: AIRLOCK_DB (SQLite file), AIRLOCK_SEAL_KEY (base64, 32 bytes),
 * AIRLOCK_RUNS (directory for paused runs), LEDGER (a file each tool that
 * really runs appends a line to), RUN_ID (call-id prefix of the scripted model).
 *
 * @module
 */
import { appendFileSync } from 'node:fs'
import { Agent, Runner, tool } from '@openai/agents'
import { ActionRegistry, createAirlock, riskBased } from 'airlock'
import { fileRunStates, pausedRuns, toOpenAiAgentsTools } from 'airlock/openai-agents'
import { sqliteStore } from 'airlock/sqlite'
import { z } from 'zod'
import { scriptedModel } from './scripted-model.js'

function env(name: string): string {
  const value = process.env[name]
  if (!value) throw new Error(`${name} is not set`)
  return value
}

/** Each tool writes what it did to the ledger, so a test can count real executions. */
const did = (line: string): string => {
  appendFileSync(env('LEDGER'), `${line}\n`)
  return line
}

const lookupOrder = tool({
  name: 'lookup_order',
  description: 'Look an order up by id',
  parameters: z.object({ order_id: z.string() }),
  execute: ({ order_id }) => did(`looked up ${order_id}: paid 120 EUR`),
})
const issueRefund = tool({
  name: 'issue_refund',
  description: 'Refund an order to the card it was paid with',
  parameters: z.object({ order_id: z.string(), amount: z.number() }),
  execute: ({ order_id, amount }) => did(`refunded ${amount} EUR on ${order_id}`),
})
const deleteAccount = tool({
  name: 'delete_account',
  description: 'Delete the customer account',
  parameters: z.object({ customer_id: z.string() }),
  execute: ({ customer_id }) => did(`deleted ${customer_id}`),
})

export async function supportAgent() {
  const seal = { keys: { k0: env('AIRLOCK_SEAL_KEY') }, current: 'k0' }
  const registry = new ActionRegistry()
  // Tool risk decides: low runs, high waits for a human, critical is refused.
  const store = sqliteStore({ path: env('AIRLOCK_DB') })
  await store.migrate()
  const airlock = createAirlock({
    actions: registry,
    policies: [riskBased()],
    store,
    seal,
  })
  const risk = { lookup_order: 'low', issue_refund: 'high', delete_account: 'critical' } as const
  const tools = toOpenAiAgentsTools([lookupOrder, issueRefund, deleteAccount], {
    airlock,
    registry,
    caller: 'support-agent',
    risk,
  })
  const model = scriptedModel(env('RUN_ID'), [
    { tool: 'lookup_order', args: { order_id: 'o-42' } },
    { tool: 'issue_refund', args: { order_id: 'o-42', amount: 120 } },
    { tool: 'delete_account', args: { customer_id: 'c-7' } },
  ])
  const agent = new Agent({ name: 'support', instructions: 'Help the customer.', model, tools })
  const runs = pausedRuns({
    airlock,
    caller: 'support-agent',
    store: fileRunStates(env('AIRLOCK_RUNS')),
    seal,
  })
  const runner = new Runner({ tracingDisabled: true })
  return { airlock, agent, runs, runner }
}
