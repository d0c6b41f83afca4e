/**
 * The dashboard's audit queries over a 1,000,000-event SQLite chain: pages
 * of the explorer (newest, deep via keyset cursors, filtered by indexed
 * columns, by the body-read target), a JSONL export page, and the overview's
 * aggregates for 1 h, 24 h and 7 d. Target: under 200 ms a page.
 *
 * Run: `npm run bench -- dashboard` (or `node --import jiti/register bench/dashboard.ts`).
 * `AIRLOCK_BENCH_EVENTS` changes the chain length.
 *
 * @module
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { AuditEventInput, AuditStatus } from '../src/audit/audit-event.js'
import { sqliteStore } from '../src/store/sqlite/index.js'
import type { AuditFilter, Store } from '../src/store/store.js'

const EVENTS = Number(process.env.AIRLOCK_BENCH_EVENTS ?? 1_000_000)
const BATCH = 2_000
const PAGE = 50
const SPAN_MS = 7 * 86_400_000
const ACTIONS = [
  'deploy',
  'rollback',
  'scale',
  'restart',
  'get_logs',
  'issue_refund',
  'get_invoice',
  'drop_table',
]
const STATUSES: AuditStatus[] = [
  'allowed',
  'executed',
  'allowed',
  'executed',
  'denied',
  'held',
  'approved',
  'failed',
]
const TENANTS = ['acme', 'acme', 'acme', 'globex']

function event(i: number, start: number): AuditEventInput {
  const status = STATUSES[i % STATUSES.length]!
  return {
    id: `evt-${randomBytes(12).toString('hex')}`,
    ts: new Date(start + Math.floor((i / EVENTS) * SPAN_MS)).toISOString(),
    tenant_id: TENANTS[i % TENANTS.length]!,
    request_id: `req-${Math.floor(i / 2)}`,
    status,
    action: ACTIONS[(i * 7) % ACTIONS.length]!,
    actor: `agent-${i % 500}`,
    target: `prod/svc-${i % 40}`,
    decision: status === 'denied' ? 'deny' : status === 'held' ? 'require_approval' : 'allow',
    reason: 'matched rule',
    rule: `rule-${i % 25}`,
    risk_class: 'medium',
    effective_risk: 'high',
    inputs: { replicas: i % 9, password: '[REDACTED]' },
    result: null,
    error: null,
    approval_id:
      status === 'held' || status === 'approved'
        ? `apr-${(Math.floor(i / 8) * 8).toString(16).padStart(24, '0')}`
        : null,
    approver: status === 'approved' ? 'alice' : null,
    idempotency_key: null,
    ticket_id: null,
    context: status === 'denied' && i % 3 === 0 ? { code: 'RATE_LIMITED', limit: 'rate' } : null,
  }
}

async function fill(store: Store, start: number): Promise<number> {
  const began = performance.now()
  for (let i = 0; i < EVENTS; i += BATCH) {
    const batch: AuditEventInput[] = []
    for (let j = i; j < Math.min(EVENTS, i + BATCH); j++) batch.push(event(j, start))
    await store.audit.append(batch)
  }
  return (performance.now() - began) / 1000
}

async function timed(fn: () => Promise<unknown>, runs = 5): Promise<{ median: number; max: number }> {
  const times: number[] = []
  for (let i = 0; i < runs; i++) {
    const t = performance.now()
    await fn()
    times.push(performance.now() - t)
  }
  times.sort((a, b) => a - b)
  return { median: times[Math.floor(times.length / 2)]!, max: times.at(-1)! }
}

/** Walks `pages` pages deep with keyset cursors; returns each page's time. */
async function walk(
  store: Store,
  filter: AuditFilter,
  pages: number,
): Promise<{ median: number; max: number }> {
  const times: number[] = []
  let cursor: string | null = null
  for (let p = 0; p < pages; p++) {
    const t = performance.now()
    const page = await store.audit.list(filter, PAGE, cursor)
    times.push(performance.now() - t)
    cursor = page.next_cursor
    if (!cursor) break
  }
  times.sort((a, b) => a - b)
  return { median: times[Math.floor(times.length / 2)]!, max: times.at(-1)! }
}

export async function benchDashboard(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-bench-dash-'))
  const store = sqliteStore({ path: join(dir, 'bench.db') })
  try {
    await store.migrate()
    const start = Date.now() - SPAN_MS
    const seconds = await fill(store, start)
    console.log(`filled ${EVENTS.toLocaleString('en')} events in ${seconds.toFixed(1)} s (sqlite)`)
    const mid = new Date(start + SPAN_MS / 2).toISOString()
    const rows: [string, { median: number; max: number }][] = [
      ['newest page, tenant', await timed(() => store.audit.list({ tenant_id: 'acme' }, PAGE))],
      ['200 pages deep, tenant (keyset walk)', await walk(store, { tenant_id: 'acme' }, 200)],
      ['page, tenant + action', await walk(store, { tenant_id: 'acme', action: 'deploy' }, 20)],
      ['page, tenant + actor', await walk(store, { tenant_id: 'acme', actor: 'agent-4' }, 20)],
      ['page, tenant + status', await walk(store, { tenant_id: 'acme', status: 'held' }, 20)],
      ['page, tenant + time window', await walk(store, { tenant_id: 'acme', until: mid }, 20)],
      ['page, tenant + target (body)', await walk(store, { tenant_id: 'acme', target: 'prod/svc-8' }, 20)],
      ['page, tenant + rule (body)', await walk(store, { tenant_id: 'acme', rule: 'rule-4' }, 20)],
      ['export page of 1000, tenant', await timed(() => store.audit.list({ tenant_id: 'acme' }, 1000))],
    ]
    for (const [range, ms] of [
      ['1h', 3_600_000],
      ['24h', 86_400_000],
      ['7d', SPAN_MS],
    ] as const) {
      const until = new Date(start + SPAN_MS + 1)
      const bucket_s = range === '1h' ? 60 : range === '24h' ? 1800 : 21600
      rows.push([
        `overview stats ${range}`,
        await timed(
          () =>
            store.audit.stats({
              tenant_id: 'acme',
              since: new Date(until.getTime() - ms).toISOString(),
              until: until.toISOString(),
              bucket_s,
              top: 5,
            }),
          3,
        ),
      ])
    }
    for (const [name, { median, max }] of rows) {
      const verdict = median < 200 ? 'ok' : 'OVER 200 ms'
      console.log(
        `${name.padEnd(40)} median ${median.toFixed(1).padStart(8)} ms   max ${max.toFixed(1).padStart(8)} ms   ${verdict}`,
      )
    }
  } finally {
    await store.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await benchDashboard()
