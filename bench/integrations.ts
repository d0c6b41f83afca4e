/**
 * What the framework integrations add to each tool call: the AI SDK wrapper
 * (decide, idempotency claim on the tool-call id, `started`/`executed` audit
 * events) against the bare tool, and a coding-agent hook decision.
 *
 * Run alone with `node --import jiti/register bench/integrations.ts`.
 *
 * @module
 */
import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { ActionRegistry } from '../src/actions/action-registry.js'
import { createAirlock } from '../src/airlock.js'
import { generateSealKey } from '../src/audit/seal.js'
import { localPrincipal } from '../src/identity/principal.js'
import { toAiSdkTools } from '../src/integrations/ai-sdk/index.js'
import { localHookEvaluator } from '../src/integrations/hooks/index.js'
import { allowAll } from '../src/policy/rules/index.js'
import { sqliteStore } from '../src/store/sqlite/index.js'
import type { Store } from '../src/store/store.js'

const ROOT = resolve(import.meta.dirname, '..')

function stats(name: string, samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b)
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0
  const mean = samples.reduce((a, b) => a + b, 0) / samples.length
  return {
    name,
    calls: samples.length,
    mean_ms: Number(mean.toFixed(3)),
    p50_ms: Number(at(50).toFixed(3)),
    p99_ms: Number(at(99).toFixed(3)),
  }
}

async function timeCalls(count: number, call: (i: number) => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < 100; i++) await call(-1 - i)
  const samples: number[] = []
  for (let i = 0; i < count; i++) {
    const t0 = performance.now()
    await call(i)
    samples.push(performance.now() - t0)
  }
  return samples
}

async function wrapperRows(label: string, store: Store | undefined, count: number) {
  await store?.migrate()
  const registry = new ActionRegistry()
  const airlock = createAirlock({
    actions: registry,
    policies: [allowAll()],
    ...(store ? { store, seal: { keys: { k: generateSealKey() }, current: 'k' } } : {}),
  })
  const tool = { description: 'Echo', execute: async (input: { n: number }) => ({ n: input.n }) }
  const governed = toAiSdkTools({ echo: tool }, { airlock, registry, caller: 'bench-agent' })
  const run = governed.echo.execute as (input: unknown, options: unknown) => Promise<unknown>
  const bare = await timeCalls(count, (i) => tool.execute({ n: i }))
  const wrapped = await timeCalls(count, (i) => run({ n: i }, { toolCallId: `${label}-${i}`, messages: [] }))
  await airlock.close()
  return [stats(`bare tool`, bare), stats(`through airlock/ai-sdk (${label})`, wrapped)]
}

/** Per-call latency of an allowed tool call, bare and through the wrapper, on memory and SQLite. */
export async function benchAiSdk(): Promise<void> {
  const rows = [...(await wrapperRows('memory store', undefined, 5000))]
  const dir = mkdtempSync(join(tmpdir(), 'airlock-bench-'))
  try {
    rows.push(
      ...(await wrapperRows('sqlite store', sqliteStore({ path: join(dir, 'bench.db') }), 2000)).slice(1),
    )
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  console.log('AI SDK tool call, allow-all policy, one call at a time, tool-call id as idempotency key')
  console.table(rows)
}

/** A hook decision once the evaluator is loaded, and the whole `airlock hook` process per call. */
export async function benchHooks(): Promise<void> {
  const project = mkdtempSync(join(tmpdir(), 'airlock-bench-hooks-'))
  try {
    cpSync(join(ROOT, 'examples/coding-agent-hooks'), project, { recursive: true })
    const evaluator = await localHookEvaluator(
      join(project, 'airlock.config.yaml'),
      localPrincipal('bench'),
      process.env,
    )
    const signal = new AbortController().signal
    const call = { tool: 'Bash', inputs: { command: 'git push --force origin main' }, call_id: null }
    const decisions = await timeCalls(1000, () => evaluator.evaluate('bash', call, signal))
    await evaluator.close()
    const rows = [stats('safe_coding decision + SQLite audit (evaluator loaded)', decisions)]
    const bin = join(ROOT, 'dist/cli/bin.js')
    if (existsSync(bin)) {
      const payload = readFileSync(join(project, 'payloads/claude-code-deny.json'))
      const spawns: number[] = []
      for (let i = 0; i < 10; i++) {
        const t0 = performance.now()
        spawnSync(process.execPath, [bin, 'hook', 'claude-code'], { cwd: project, input: payload })
        spawns.push(performance.now() - t0)
      }
      rows.push(stats('`airlock hook claude-code` process, start to answer', spawns))
    }
    console.log(
      'Coding-agent hook: the policy decision, and the whole hook process an agent starts per tool call',
    )
    console.table(rows)
  } finally {
    rmSync(project, { recursive: true, force: true })
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await benchAiSdk()
  await benchHooks()
}
