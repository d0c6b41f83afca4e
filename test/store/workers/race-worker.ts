/**
 * A separate OS process for the cross-process race tests. Opens its own
 * store connection, reports `ready`, waits for `go` so every process starts
 * the race together, runs its share, and reports the results.
 *
 * @module
 */
import { randomBytes } from 'node:crypto'
import type { AuditEventInput } from '../../../src/audit/audit-event.js'
import { AuditWriter } from '../../../src/audit/audit-writer.js'
import { GroupCommit } from '../../../src/store/group-commit.js'
import { postgresStore } from '../../../src/store/postgres/index.js'
import { sqliteStore } from '../../../src/store/sqlite/index.js'
import type { Store } from '../../../src/store/store.js'

/** What the parent asks one worker to do. */
export interface RaceTask {
  readonly backend:
    | { readonly kind: 'postgres'; readonly url: string; readonly schema: string }
    | { readonly kind: 'sqlite'; readonly path: string; readonly writer: 'thread' | 'inline' }
  readonly worker: number
  readonly job:
    | {
        readonly kind: 'approve'
        readonly tenant: string
        readonly id: string
        readonly calls: number
        readonly now: string
      }
    | { readonly kind: 'claim'; readonly calls: number; readonly now: string; readonly lease_until: string }
    | { readonly kind: 'nonce'; readonly nonce: string; readonly calls: number }
    | { readonly kind: 'audit'; readonly events: number }
    | { readonly kind: 'batch'; readonly events: number; readonly claims: number; readonly now: string }
}

/** Messages a worker sends back. */
export type WorkerMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'done'; readonly results: readonly string[] }
  | { readonly type: 'error'; readonly message: string }

function open(task: RaceTask): Store {
  return task.backend.kind === 'postgres'
    ? postgresStore({ connectionString: task.backend.url, schema: task.backend.schema, max: 8 })
    : sqliteStore({ path: task.backend.path, writer: task.backend.writer })
}

async function run(store: Store, task: RaceTask): Promise<string[]> {
  const job = task.job
  const w = task.worker
  switch (job.kind) {
    case 'approve': {
      const results = await Promise.all(
        Array.from({ length: job.calls }, (_, i) =>
          store.approvals.approve(
            job.tenant,
            job.id,
            { approver: `w${w}-${i}`, comment: null, at: job.now },
            job.now,
          ),
        ),
      )
      return results.map((r) => (r.kind === 'counted' ? `counted:${r.approval.status}` : r.kind))
    }
    case 'claim': {
      const scope = { tenant_id: 'acme', action: 'deploy', key: 'shared-key', fingerprint: 'fp' }
      const results = await Promise.all(
        Array.from({ length: job.calls }, (_, i) =>
          store.idempotency.claim({
            ...scope,
            owner: `w${w}-${i}`,
            now: job.now,
            lease_until: job.lease_until,
          }),
        ),
      )
      return results.map((r) => r.kind)
    }
    case 'nonce': {
      const results = await Promise.all(
        Array.from({ length: job.calls }, () => store.nonces.consume(job.nonce, '2099-01-01T00:00:00.000Z')),
      )
      return results.map(String)
    }
    case 'audit': {
      const writer = new AuditWriter(store.audit)
      const stored = await Promise.all(
        Array.from({ length: job.events }, (_, i) => writer.write(workerEvent(w, i))),
      )
      await writer.close()
      return stored.map((e) => String(e.seq))
    }
    case 'batch': {
      // Claims of one shared key and events share the batches of this process's group-commit writer.
      const writer = new GroupCommit(store, { maxBatch: 32 })
      const idempotency = writer.idempotency(store.idempotency)
      const claims = Array.from({ length: job.claims }, (_, i) =>
        idempotency.claim({
          tenant_id: 'acme',
          action: 'deploy',
          key: 'shared-batch-key',
          fingerprint: 'fp',
          owner: `w${w}-${i}`,
          now: job.now,
          lease_until: '2030-01-01T00:01:00.000Z',
        }),
      )
      const events = Array.from({ length: job.events }, (_, i) => writer.append(workerEvent(w, i)))
      const settled = await Promise.all(claims)
      const stored = await Promise.all(events)
      await writer.close()
      return [...settled.map((r) => r.kind), ...stored.map((e) => `seq:${e.seq}`)]
    }
  }
}

function workerEvent(w: number, i: number): AuditEventInput {
  return {
    id: `evt-${randomBytes(12).toString('hex')}`,
    ts: new Date().toISOString(),
    tenant_id: 'acme',
    request_id: `req-w${w}-${i}`,
    status: 'executed',
    action: 'deploy',
    actor: `worker-${w}`,
    target: null,
    decision: 'allow',
    reason: null,
    rule: null,
    risk_class: 'low',
    effective_risk: 'low',
    inputs: { worker: w, i },
    result: { ok: true },
    error: null,
    approval_id: null,
    approver: null,
    idempotency_key: null,
    ticket_id: null,
    context: null,
  }
}

async function main(): Promise<void> {
  const task = JSON.parse(process.argv[2] ?? '') as RaceTask
  const store = open(task)
  await store.ping()
  const go = new Promise<void>((resolve) => process.once('message', () => resolve()))
  process.send?.({ type: 'ready' } satisfies WorkerMessage)
  await go
  try {
    const results = await run(store, task)
    process.send?.({ type: 'done', results } satisfies WorkerMessage)
  } finally {
    await store.close()
  }
}

main().then(
  () => process.disconnect?.(),
  (error: unknown) => {
    process.send?.({
      type: 'error',
      message: error instanceof Error ? (error.stack ?? error.message) : String(error),
    })
    process.exitCode = 1
    process.disconnect?.()
  },
)
