/**
 * Added latency per tool call through the framework integrations: the same
 * tool invoked directly and through `toOpenAiAgentsTools()` /
 * `toLangChainTools()`, sequentially, each call with its own tool-call id
 * (so every call is a fresh idempotency claim, a decision and its audit
 * events). Memory store (the pipeline alone) and SQLite (durable audit).
 *
 * Run alone with `node --import jiti/register bench/integrations.ts`.
 *
 * @module
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { tool as agentsTool, RunContext } from '@openai/agents'
import { tool as langchainTool } from 'langchain'
import { z } from 'zod'
import { ActionRegistry } from '../src/actions/action-registry.js'
import { createAirlock } from '../src/airlock.js'
import { generateSealKey } from '../src/audit/seal.js'
import { toLangChainTools } from '../src/integrations/langchain/index.js'
import { toOpenAiAgentsTools } from '../src/integrations/openai-agents/index.js'
import { allowAll } from '../src/policy/rules/index.js'
import { memoryStore } from '../src/store/memory/index.js'
import { sqliteStore } from '../src/store/sqlite/index.js'
import type { Store } from '../src/store/store.js'

const CALLS = 1000

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0
}

async function time(
  call: (i: number) => Promise<unknown>,
): Promise<{ p50: number; p99: number; mean: number }> {
  for (let i = 0; i < 50; i++) await call(-1 - i) // warm up
  const samples: number[] = []
  for (let i = 0; i < CALLS; i++) {
    const start = performance.now()
    await call(i)
    samples.push(performance.now() - start)
  }
  samples.sort((a, b) => a - b)
  const round = (n: number) => Math.round(n * 1000) / 1000
  return {
    p50: round(percentile(samples, 50)),
    p99: round(percentile(samples, 99)),
    mean: round(samples.reduce((a, b) => a + b, 0) / samples.length),
  }
}

async function measure(storeName: string, store: Store) {
  await store.migrate()
  const registry = new ActionRegistry()
  const airlock = createAirlock({
    actions: registry,
    policies: [allowAll()],
    store,
    seal: { keys: { k0: generateSealKey() }, current: 'k0' },
  })
  const governance = { airlock, registry, caller: 'bench' }
  const agentsLookup = agentsTool({
    name: 'agents_lookup',
    description: 'Look up',
    parameters: z.object({ id: z.number() }),
    execute: ({ id }) => `order ${id}`,
  })
  const [agentsGoverned] = toOpenAiAgentsTools([agentsLookup], governance)
  const lcLookup = langchainTool(({ id }) => `order ${id}`, {
    name: 'lc_lookup',
    description: 'Look up',
    schema: z.object({ id: z.number() }),
  })
  const [lcGoverned] = toLangChainTools([lcLookup], governance)
  const ctx = new RunContext()
  const agentsCall = (t: typeof agentsLookup) => (i: number) =>
    t.invoke(ctx, JSON.stringify({ id: i }), {
      toolCall: { type: 'function_call', callId: `${storeName}-a-${i}`, name: t.name, arguments: '' },
    })
  const lcCall = (t: typeof lcLookup) => (i: number) =>
    t.invoke({ type: 'tool_call', id: `${storeName}-l-${i}`, name: t.name, args: { id: i } })

  const rows = [
    {
      integration: 'openai-agents',
      direct: await time(agentsCall(agentsLookup)),
      governed: await time(agentsCall(agentsGoverned!)),
    },
    {
      integration: 'langchain',
      direct: await time(lcCall(lcLookup)),
      governed: await time(lcCall(lcGoverned!)),
    },
  ]
  await airlock.close()
  return rows.map((r) => ({
    store: storeName,
    integration: r.integration,
    direct_p50_ms: r.direct.p50,
    governed_p50_ms: r.governed.p50,
    governed_p99_ms: r.governed.p99,
    added_mean_ms: Math.round((r.governed.mean - r.direct.mean) * 1000) / 1000,
  }))
}

export async function benchIntegrations(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-bench-integrations-'))
  try {
    const rows = [
      ...(await measure('memory', memoryStore())),
      ...(await measure('sqlite', sqliteStore({ path: join(dir, 'bench.db') }))),
    ]
    console.log(`${CALLS} sequential tool calls each, allowAll policy`)
    console.table(rows)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await benchIntegrations()
