/**
 * Replay benchmark: events per minute that `airlock policy replay` decides
 * again, over 100,000 recorded requests in a SQLite audit chain.
 *
 * Run alone with `node --import jiti/register bench/replay.ts`.
 *
 * @module
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { z } from 'zod'
import { ActionRegistry } from '../src/actions/action-registry.js'
import { defineAction } from '../src/actions/define-action.js'
import type { AuditEventInput } from '../src/audit/audit-event.js'
import { replayAudit } from '../src/pipeline/policy/replay.js'
import { allowAll, denyAll, requireApproval } from '../src/policy/rules/index.js'
import { policySetFromRules } from '../src/policy/versioning/policy-set.js'
import { sqliteStore } from '../src/store/sqlite/index.js'

const EVENTS = 100_000
const ACTIONS = ['echo', 'refund', 'deploy', 'lookup']

function event(i: number): AuditEventInput {
  const action = ACTIONS[i % ACTIONS.length] as string
  return {
    id: `evt-${i.toString(16).padStart(24, '0')}`,
    ts: new Date(Date.UTC(2030, 0, 1) + i * 10).toISOString(),
    tenant_id: 'default',
    request_id: `req-${i.toString(16).padStart(24, '0')}`,
    status: 'started',
    action,
    actor: `agent-${i % 50}`,
    target: null,
    decision: 'allow',
    reason: 'ok',
    rule: 'allow-all',
    risk_class: 'low',
    effective_risk: 'low',
    inputs: { message: `message ${i}`, amount: i % 500 },
    result: null,
    error: null,
    approval_id: null,
    approver: null,
    idempotency_key: null,
    ticket_id: null,
    context: {
      policy_version: 'sha256:0000000000000000',
      caller: { roles: ['agent'], groups: [], scopes: [] },
    },
  }
}

export async function benchReplay(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-bench-replay-'))
  const store = sqliteStore({ path: join(dir, 'audit.db') })
  try {
    await store.migrate()
    for (let i = 0; i < EVENTS; i += 1000) {
      await store.audit.append(Array.from({ length: 1000 }, (_, j) => event(i + j)))
    }
    const input = z.object({ message: z.string(), amount: z.int() })
    const actions = new ActionRegistry(
      ACTIONS.map((name) =>
        defineAction({ name, description: name, risk: 'low', input, handler: () => null }),
      ),
    )
    const candidate = policySetFromRules(
      [
        denyAll({ name: 'no-deploys', priority: 300, actions: ['deploy'] }),
        requireApproval({ name: 'refunds-held', priority: 200, actions: ['refund'] }),
        allowAll({ name: 'allow-all' }),
      ],
      { actions, targets: { get: () => undefined } },
    )
    const started = performance.now()
    const { report, events_read } = await replayAudit(store.audit, {
      candidate,
      since: '2000-01-01T00:00:00Z',
    })
    const seconds = (performance.now() - started) / 1000
    console.log(
      `replay: ${events_read} events in ${seconds.toFixed(2)} s = ${Math.round((events_read / seconds) * 60).toLocaleString('en')} events/min (${report.changed} changed)`,
    )
  } finally {
    await store.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await benchReplay()
