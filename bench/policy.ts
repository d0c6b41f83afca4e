/**
 * Policy engine benchmark: µs per decision (p50, p99) and decisions per
 * second for synthetic rule sets of 10, 1,000 and 10,000 mixed native rules,
 * and for agent-action-policy rule sets of the same sizes (half of them
 * `tool: '*'` rules with an `args_pattern`).
 *
 * Run alone with `node --import jiti/register bench/policy.ts`.
 *
 * @module
 */
import { pathToFileURL } from 'node:url'
import type { Principal } from '../src/identity/principal.js'
import type { Target } from '../src/inventory/target.js'
import { compileNativeRule, type NativeRule, nativeRuleSchema } from '../src/policy/native/index.js'
import { PolicyEngine } from '../src/policy/policy-engine.js'
import type { PolicyRequest, PolicyRule } from '../src/policy/policy-rule.js'
import { printCheckRatio } from './check-ratio.js'
import { buildAapRequests, buildAapRules } from './policy-aap.js'

const ENVIRONMENTS = ['dev', 'staging', 'prod'] as const

// A small deterministic generator keeps runs comparable.
function prng(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function ruleSpec(i: number): unknown {
  const base = { name: `rule-${i}`, priority: i % 13, reason: `synthetic rule ${i}` }
  switch (i % 6) {
    case 0:
      return {
        ...base,
        match: { actions: [`action-${i}`], targets: { environments: ['dev'] } },
        decision: 'allow',
      }
    case 1:
      return {
        ...base,
        match: { actions: [`family-${i % 500}-*`], args: { namespace: '~^kube-' } },
        decision: 'deny',
      }
    case 2:
      return {
        ...base,
        match: { actions: [`action-${i}`], callers: { roles: ['deployer'] } },
        decision: 'allow',
      }
    case 3:
      return {
        ...base,
        match: { actions: [`action-${i}`], when: `args.replicas > ${i % 10}` },
        decision: 'require_approval',
      }
    case 4:
      return {
        ...base,
        match: { actions: [`action-${i}`], args_pattern: 'git\\s+push\\s+--force' },
        decision: 'deny',
      }
    default:
      return {
        ...base,
        match: { actions: [`action-${i}`, `tool-${i}`], risk_classes: ['low', 'medium'] },
        decision: 'allow',
      }
  }
}

function buildRules(count: number): NativeRule[] {
  const rules: NativeRule[] = []
  for (let i = 0; i < count; i++) {
    const spec = nativeRuleSchema.parse(ruleSpec(i))
    const { rule, issues } = compileNativeRule(spec, { file: 'bench' }, (_path, message) => ({
      file: 'bench',
      message,
    }))
    if (!rule) throw new Error(issues.map((issue) => issue.message).join('; '))
    rules.push(rule)
  }
  // A few rules every request must pass through, as real policies have.
  const guards = [
    {
      name: 'guard-critical',
      priority: 100,
      match: { risk_classes: ['critical'] },
      decision: 'require_approval',
      reason: 'critical',
    },
    {
      name: 'guard-prod-delete',
      priority: 90,
      match: { actions: ['delete-*'], targets: { environments: ['prod'] } },
      decision: 'deny',
      reason: 'no',
    },
  ]
  for (const guard of guards) {
    const { rule } = compileNativeRule(nativeRuleSchema.parse(guard), { file: 'bench' }, (_p, message) => ({
      file: 'bench',
      message,
    }))
    rules.push(rule!)
  }
  return rules
}

function buildRequests(count: number, ruleCount: number, random: () => number): PolicyRequest[] {
  const caller: Principal = {
    actor_id: 'agent-1',
    roles: ['deployer'],
    groups: [],
    scopes: [],
    tenant_id: 'default',
    delegation_chain: [],
    auth: 'local',
  }
  const requests: PolicyRequest[] = []
  for (let i = 0; i < count; i++) {
    const n = Math.floor(random() * ruleCount)
    const pick = random()
    const action =
      pick < 0.2
        ? `family-${n % 500}-op`
        : pick < 0.3
          ? `unknown-${Math.floor(random() * 100)}`
          : `action-${n}`
    const environment = ENVIRONMENTS[Math.floor(random() * 3)]!
    const target: Target = {
      id: `${environment}/app`,
      type: 'k8s-deployment',
      environment,
      sensitivity: 'internal',
      owner: 'team',
      labels: {},
    }
    requests.push({
      action,
      definition: undefined,
      args: {
        namespace: random() < 0.5 ? 'kube-system' : 'web',
        replicas: Math.floor(random() * 20),
        command: 'git status',
      },
      target_id: target.id,
      target,
      caller,
      risk_class: 'medium',
      effective_risk: random() < 0.05 ? 'critical' : 'medium',
      ticket_id: null,
      now: new Date(),
    })
  }
  return requests
}

/** The measured figures for one rule-set size. */
export interface PolicyBenchResult {
  readonly rules: number
  readonly p50_us: number
  readonly p99_us: number
  readonly decisions_per_second: number
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!
}

/** Which synthetic rule set to measure. */
export type PolicyBenchKind = 'native' | 'aap'

/** Measures one rule-set size. */
export function measurePolicy(
  ruleCount: number,
  decisions = 200_000,
  kind: PolicyBenchKind = 'native',
): PolicyBenchResult {
  const random = prng(ruleCount)
  const rules: PolicyRule[] = kind === 'aap' ? buildAapRules(ruleCount) : buildRules(ruleCount)
  const engine = new PolicyEngine(rules)
  const requests =
    kind === 'aap' ? buildAapRequests(4096, ruleCount, random) : buildRequests(4096, ruleCount, random)
  const mask = requests.length - 1
  // Warm the JIT and the per-action candidate cache.
  for (let i = 0; i < 50_000; i++) engine.evaluate(requests[i & mask]!)

  const samples = new Float64Array(decisions)
  const started = process.hrtime.bigint()
  for (let i = 0; i < decisions; i++) {
    const t0 = process.hrtime.bigint()
    engine.evaluate(requests[i & mask]!)
    samples[i] = Number(process.hrtime.bigint() - t0) / 1000
  }
  const totalNs = Number(process.hrtime.bigint() - started)
  samples.sort()
  return {
    rules: ruleCount,
    p50_us: percentile(samples, 0.5),
    p99_us: percentile(samples, 0.99),
    // Includes the timer calls, so it slightly understates throughput.
    decisions_per_second: Math.round(decisions / (totalNs / 1e9)),
  }
}

/** Runs the benchmark for 10, 1,000 and 10,000 rules and prints a table. */
export async function benchPolicy(): Promise<void> {
  for (const kind of ['native', 'aap'] as const) {
    const rows: PolicyBenchResult[] = []
    for (const size of [10, 1_000, 10_000]) rows.push(measurePolicy(size, 200_000, kind))
    printRows(kind === 'aap' ? 'agent-action-policy rules' : 'native rules', rows)
  }
  await printCheckRatio()
}

function printRows(title: string, rows: readonly PolicyBenchResult[]): void {
  console.log(`policy engine, ${title}: µs per decision`)
  console.table(
    rows.map((row) => ({
      rules: row.rules,
      'p50 µs': row.p50_us.toFixed(2),
      'p99 µs': row.p99_us.toFixed(2),
      'decisions/s': row.decisions_per_second.toLocaleString('en-US'),
    })),
  )
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await benchPolicy()
}
