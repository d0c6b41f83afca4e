/**
 * A store that reports what passes through it: audit commits (batch size
 * and time, and the committed events themselves), approval decision
 * latency, and failed operations.
 *
 * @module
 */
import type { AuditEvent } from '../audit/audit-event.js'
import { AirlockError } from '../errors/airlock-error.js'
import type { ApprovalStore, VoteResult } from '../store/approval-store.js'
import type { Store, WriteResult } from '../store/store.js'
import type { AirlockMetrics } from './airlock-metrics.js'

/** A failure of the store itself, not a refusal of the caller's input. */
function isStoreFailure(error: unknown): boolean {
  return !AirlockError.isInstance(error) || error.code === 'STORE_UNAVAILABLE' || error.code === 'STORE_ERROR'
}

async function counted<T>(metrics: AirlockMetrics, operation: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run()
  } catch (error) {
    if (isStoreFailure(error)) metrics.storeError(operation)
    throw error
  }
}

/**
 * `part` with each of its methods counting its failures as `name.method`,
 * so an outage shows whichever operation meets it first (a freeze check, an
 * idempotency read), not only commits. The methods are wrapped once, here:
 * store parts are plain objects of functions, and this runs on every call.
 */
function countedPart<T extends object>(metrics: AirlockMetrics, name: string, part: T): T {
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(part)) {
    if (typeof value !== 'function') {
      out[key] = value
      continue
    }
    const method = value as (...args: unknown[]) => unknown
    const operation = `${name}.${key}`
    out[key] = (...args: unknown[]) => {
      const result = method.apply(part, args)
      return result instanceof Promise ? counted(metrics, operation, () => result) : result
    }
  }
  return out as T
}

const PARTS = ['idempotency', 'nonces', 'merkle', 'shipping', 'freezes', 'policy_head'] as const

function decided(metrics: AirlockMetrics, result: VoteResult): VoteResult {
  if (result.kind === 'counted' && result.approval.decided_at && result.approval.status !== 'pending') {
    const seconds = (Date.parse(result.approval.decided_at) - Date.parse(result.approval.created_at)) / 1000
    metrics.approvalDecided(result.approval.status, Math.max(0, seconds))
  }
  return result
}

function appended(results: readonly WriteResult[]): AuditEvent[] {
  // A claim's event is in the chain only when the claim took its key fresh.
  return results.flatMap((r) =>
    r.kind === 'append' ? [r.event] : r.kind === 'claim' && r.event ? [r.event] : [],
  )
}

/** Wraps `store` so that `metrics` sees its commits and failures; behaviour is unchanged. */
export function instrumentStore(store: Store, metrics: AirlockMetrics): Store {
  const approvals: ApprovalStore = {
    ...countedPart(metrics, 'approvals', store.approvals),
    approve: async (...args) =>
      decided(metrics, await counted(metrics, 'approvals.approve', () => store.approvals.approve(...args))),
    reject: async (...args) =>
      decided(metrics, await counted(metrics, 'approvals.reject', () => store.approvals.reject(...args))),
  }
  const parts: Partial<Record<(typeof PARTS)[number], unknown>> = {}
  for (const name of PARTS) {
    const part = store[name]
    if (part) parts[name] = countedPart(metrics, name, part)
  }
  return {
    ...store,
    ...(parts as Partial<Store>),
    approvals,
    audit: {
      ...countedPart(metrics, 'audit', store.audit),
      append: async (inputs) => {
        const started = performance.now()
        const events = await counted(metrics, 'audit.append', () => store.audit.append(inputs))
        metrics.commitBatch(events.length, (performance.now() - started) / 1000)
        metrics.committed(events)
        return events
      },
    },
    batch: async (ops) => {
      const started = performance.now()
      const results = await counted(metrics, 'batch', () => store.batch(ops))
      const events = appended(results)
      if (events.length > 0) {
        metrics.commitBatch(events.length, (performance.now() - started) / 1000)
        metrics.committed(events)
      }
      return results
    },
  }
}
